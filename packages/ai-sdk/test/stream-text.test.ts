import { approvals, bankingPolicies } from "@safeguards/test-support";
import { isStepCount, streamText } from "ai";
import { describe, expect, it } from "vitest";
import { guardTools } from "../src/index.js";
import { bankingTools, scriptedStreamModel, toolResultsSeen } from "./support/scripted.js";

describe("guardTools inside streamText", () => {
  it("holds flagged calls of a streamed step: approved runs, rejected does not, un-flagged untouched", async () => {
    const { ran, tools } = bankingTools();
    const { handler, requests, reviewer, channel } = approvals();
    reviewer((r) =>
      r.action?.args.amount === "3000.00"
        ? channel.reject(r.id, { comments: "too much" })
        : channel.approve(r.id),
    );
    const model = scriptedStreamModel([
      { id: "call_a", name: "transfer_funds", input: { amount: "3000.00", to: "ACME" } },
      { id: "call_b", name: "transfer_funds", input: { amount: "2000.00", to: "ACME" } },
      { id: "call_c", name: "get_balance", input: {} },
    ]);
    const result = streamText({
      model,
      tools: guardTools(tools, bankingPolicies(), { handler }),
      prompt: "pay ACME",
      stopWhen: isStepCount(3),
    });
    expect(await result.text).toBe("done");
    expect(requests).toHaveLength(2);
    expect(ran).toHaveLength(2);
    expect(ran).toContainEqual({
      tool: "transfer_funds",
      input: { amount: "2000.00", to: "ACME" },
    });
    expect(ran).toContainEqual({ tool: "get_balance", input: {} });
    const seen = toolResultsSeen(model);
    expect(JSON.stringify(seen.call_a)).toContain("too much");
    expect(seen.call_b).toEqual({ type: "text", value: "Transferred 2000.00 to ACME" });
    expect(seen.call_c).toEqual({ type: "text", value: "Balance: 5000.00" });
  });
});
