import { describe, expect, it } from "vitest";
import { Agent, ErrorCode, isSafeguardsError } from "../src/index.js";

class EchoAgent extends Agent<{ amount: string }, { success: boolean; amount: string }> {
  run(args: { amount: string }) {
    return { success: true, ...args };
  }
}

class AsyncAgent extends Agent {
  async run(args: Record<string, unknown>) {
    return Object.keys(args).length;
  }
}

describe("Agent", () => {
  it("uses the name as the id by default, as in the guide", () => {
    const agent = new EchoAgent("financial_advisor");
    expect(agent.name).toBe("financial_advisor");
    expect(agent.id).toBe("financial_advisor");
  });

  it("accepts an explicit id", () => {
    const agent = new EchoAgent("Financial Advisor", { id: "agent-42" });
    expect(agent.name).toBe("Financial Advisor");
    expect(agent.id).toBe("agent-42");
  });

  it("runs subclasses' sync and async run()", async () => {
    expect(new EchoAgent("a").run({ amount: "1.00" })).toEqual({ success: true, amount: "1.00" });
    expect(await new AsyncAgent("b").run({ x: 1, y: 2 })).toBe(2);
  });

  it("refuses an empty name or id", () => {
    for (const make of [() => new EchoAgent(""), () => new EchoAgent("a", { id: " " })]) {
      let caught: unknown;
      try {
        make();
      } catch (e) {
        caught = e;
      }
      expect(isSafeguardsError(caught, ErrorCode.INVALID_ARGUMENT)).toBe(true);
    }
  });
});
