import { describe, expect, it } from "vitest";
import {
  AlertSeverity,
  definePolicies,
  type Policies,
  type PolicyContext,
  type PolicyVerdict,
} from "../src/index.js";
import { callCheckFor, evaluateCall, neverFlags } from "../src/internal.js";

const contexts: PolicyContext[] = [];
const policies = definePolicies(
  {
    never: false,
    quiet: { when: false },
    always: true,
    big: {
      when: (ctx) => {
        contexts.push(ctx);
        return Number(ctx.args.amount) > 1000;
      },
    },
    slow: { when: async ({ args }) => Number(args.amount) > 1000 },
    failing: {
      when: () => {
        throw new Error("boom");
      },
    },
    alerts: { when: () => [] },
  },
  { default: false },
);

describe("callCheckFor", () => {
  it("answers what evaluateCall answers, for every kind of entry and an unlisted tool", async () => {
    for (const toolName of ["never", "quiet", "always", "big", "slow", "failing", "alerts", "x"]) {
      for (const amount of [10, 5000]) {
        const args = { amount };
        const check = callCheckFor(policies, toolName, "agent-1");
        const fast = check(args, "call-1");
        const slow = evaluateCall({
          policies,
          agentId: "agent-1",
          toolName,
          args,
          toolCallId: "call-1",
        });
        expect(fast instanceof Promise).toBe(slow instanceof Promise);
        expect(await fast).toEqual(await slow);
      }
    }
    const check = callCheckFor(policies, "failing", "agent-1");
    expect((check({}, undefined) as PolicyVerdict & { policyError?: string }).policyError).toBe(
      "boom",
    );
  });

  it("gives `when` the call's context, with toolCallId only when there is one", () => {
    contexts.length = 0;
    const check = callCheckFor(policies, "big", "agent-1");
    const args = { amount: 5 };
    check(args, "call-9");
    check(args, undefined);
    expect(contexts[0]).toStrictEqual({
      toolName: "big",
      args,
      agentId: "agent-1",
      toolCallId: "call-9",
    });
    expect(contexts[1]).toStrictEqual({ toolName: "big", args, agentId: "agent-1" });
    expect(contexts[1]!.args).toBe(args);
  });

  it("asks a hand-written Policies on every call (its entries may change)", async () => {
    let flag = false;
    const asked: PolicyContext[] = [];
    const handWritten: Policies = {
      entryFor: () => true,
      evaluate: async (ctx) => {
        asked.push(ctx);
        return flag ? required(ctx.toolName) : { required: false };
      },
    };
    const check = callCheckFor(handWritten, "t", "agent-1");
    expect(await check({}, "c1")).toEqual({ required: false });
    flag = true;
    expect((await check({}, "c2")).required).toBe(true);
    expect(asked.map((c) => c.toolCallId)).toEqual(["c1", "c2"]);
    expect(neverFlags(handWritten, "t")).toBe(false);
  });
});

describe("neverFlags", () => {
  it("is true only for entries of definePolicies that can never flag", () => {
    expect(neverFlags(policies, "never")).toBe(true);
    expect(neverFlags(policies, "quiet")).toBe(true);
    expect(neverFlags(policies, "unlisted")).toBe(true); // the default here is false
    for (const name of ["always", "big", "slow", "failing", "alerts"]) {
      expect(neverFlags(policies, name)).toBe(false);
    }
    expect(neverFlags(definePolicies({}), "unlisted")).toBe(false); // the default asks
  });
});

function required(toolName: string): PolicyVerdict {
  return {
    required: true,
    title: `Approve ${toolName}`,
    description: "",
    allowedDecisions: ["approve", "reject"],
    onTimeout: "reject",
    severity: AlertSeverity.WARNING,
    alerts: [],
  };
}
