import { describe, expect, it } from "vitest";
import {
  AlertSeverity,
  createAlert,
  definePolicies,
  InvalidConfigError,
  type PolicyVerdict,
} from "../src/index.js";

const ctx = (toolName: string, args: Record<string, unknown> = {}) => ({
  toolName,
  args: args as never,
  agentId: "agent-1",
  toolCallId: "call-1",
});

function required(verdict: PolicyVerdict) {
  if (!verdict.required) throw new Error("expected the call to need a human");
  return verdict;
}

describe("definePolicies", () => {
  it("true asks with the defaults, false never asks", async () => {
    const policies = definePolicies({ delete_customer: true, get_balance: false });
    expect(await policies.evaluate(ctx("get_balance"))).toEqual({ required: false });
    const verdict = required(await policies.evaluate(ctx("delete_customer", { id: 7 })));
    expect(verdict.title).toBe("Approve delete_customer");
    expect(verdict.description).toBe('The agent wants to call delete_customer({"id":7}).');
    expect(verdict.allowedDecisions).toEqual(["approve", "modify", "reject"]);
    expect(verdict.onTimeout).toBe("reject");
    expect(verdict.severity).toBe(AlertSeverity.WARNING);
    expect(verdict.timeoutSeconds).toBeUndefined();
    expect(verdict.alerts).toEqual([]);
  });

  it("asks about unlisted tools by default; the default can be changed", async () => {
    expect((await definePolicies({}).evaluate(ctx("forgotten"))).required).toBe(true);
    const lenient = definePolicies({ pay: true }, { default: false });
    expect((await lenient.evaluate(ctx("forgotten"))).required).toBe(false);
    expect(lenient.entryFor("forgotten")).toBe(false);
    expect(lenient.entryFor("pay")).toBe(true);
  });

  it("when: sync and async predicates get the arguments and the context", async () => {
    const seen: unknown[] = [];
    const policies = definePolicies({
      pay: {
        when: ({ args, agentId, toolCallId }) => {
          seen.push([agentId, toolCallId]);
          return Number(args.amount) > 1000;
        },
      },
      refund: { when: async ({ args }) => args.amount === "big" },
    });
    expect((await policies.evaluate(ctx("pay", { amount: 5 }))).required).toBe(false);
    expect((await policies.evaluate(ctx("pay", { amount: 5000 }))).required).toBe(true);
    expect((await policies.evaluate(ctx("refund", { amount: "small" }))).required).toBe(false);
    expect((await policies.evaluate(ctx("refund", { amount: "big" }))).required).toBe(true);
    expect(seen[0]).toEqual(["agent-1", "call-1"]);
  });

  it("when returning alerts: none passes, some ask and explain, the highest severity wins", async () => {
    const policies = definePolicies({
      pay: {
        when: ({ args }) =>
          args.amount === "ok"
            ? []
            : [
                createAlert({ title: "Limit", description: "over 1000.00", severity: "WARNING" }),
                createAlert({
                  title: "Sanctions",
                  description: "payee listed",
                  severity: "CRITICAL",
                }),
              ],
      },
    });
    expect((await policies.evaluate(ctx("pay", { amount: "ok" }))).required).toBe(false);
    const verdict = required(await policies.evaluate(ctx("pay", { amount: "2500.00" })));
    expect(verdict.alerts.map((a) => a.title)).toEqual(["Limit", "Sanctions"]);
    expect(verdict.severity).toBe("CRITICAL");
    expect(verdict.description).toContain("- Limit: over 1000.00");
    expect(verdict.description).toContain("- Sanctions: payee listed");
    expect(verdict.description).toContain('pay({"amount":"2500.00"})');
  });

  it("title and description may be strings or functions of the call; other fields pass through", async () => {
    const policies = definePolicies({
      pay: {
        title: ({ args }) => `Pay ${String(args.amount)}`,
        description: "Needs a manager",
        allowedDecisions: ["approve", "reject"],
        timeoutSeconds: 60,
        onTimeout: "approve",
        severity: "ERROR",
        channel: "slack",
        assignees: ["alice"],
      },
    });
    const verdict = required(await policies.evaluate(ctx("pay", { amount: "9.99" })));
    expect(verdict).toMatchObject({
      title: "Pay 9.99",
      description: "Needs a manager",
      allowedDecisions: ["approve", "reject"],
      timeoutSeconds: 60,
      onTimeout: "approve",
      severity: "ERROR",
      channel: "slack",
      assignees: ["alice"],
    });
  });

  it("a policy that throws (or rejects, or returns nonsense) fails closed: it asks", async () => {
    const policies = definePolicies({
      sync: {
        when: () => {
          throw new Error("boom");
        },
      },
      async: { when: async () => Promise.reject(new Error("service down")) },
      weird: { when: (() => "yes") as never },
      title: {
        title: () => {
          throw new Error("bad title");
        },
      },
    });
    for (const [name, message] of [
      ["sync", "boom"],
      ["async", "service down"],
      ["weird", "expected boolean or alerts"],
      ["title", "bad title"],
    ] as const) {
      const verdict = required(await policies.evaluate(ctx(name)));
      expect(verdict.policyError).toContain(message);
      expect(verdict.title).toContain("policy failed");
      expect(verdict.allowedDecisions).toEqual(["approve", "reject"]);
      expect(verdict.onTimeout).toBe("reject");
      expect(verdict.severity).toBe("ERROR");
    }
  });

  it("evaluateNow answers synchronously for a synchronous policy, a promise only for an async one", async () => {
    const policies = definePolicies({
      never: false,
      small: { when: ({ args }) => Number(args.amount) > 1000 },
      slow: { when: async ({ args }) => Number(args.amount) > 1000 },
      sync: {
        when: () => {
          throw new Error("boom");
        },
      },
      async: { when: async () => Promise.reject(new Error("service down")) },
    });
    const now = (name: string, amount = 10) => {
      const evaluateNow = policies.evaluateNow;
      if (!evaluateNow) throw new Error("definePolicies must provide evaluateNow");
      return evaluateNow(ctx(name, { amount }));
    };
    expect(now("never")).toEqual({ required: false });
    expect(now("small")).toEqual({ required: false });
    expect(required(now("small", 5000) as PolicyVerdict).title).toBe("Approve small");
    expect(required(now("sync") as PolicyVerdict).policyError).toBe("boom");
    const slow = now("slow", 5000);
    expect(slow).toBeInstanceOf(Promise);
    expect(required(await slow).title).toBe("Approve slow");
    const failing = now("async");
    expect(failing).toBeInstanceOf(Promise);
    expect(required(await failing).policyError).toBe("service down");
    // evaluate gives the same verdicts, always as a promise.
    expect(await policies.evaluate(ctx("small", { amount: 5000 }))).toEqual(now("small", 5000));
  });

  it("refuses bad configuration, naming the policy", () => {
    const bad: Array<[unknown, RegExp]> = [
      ["yes", /"pay" must be true, false or a policy object/],
      [null, /"pay" must be/],
      [
        { allowed_decisions: ["approve"] },
        /"allowed_decisions" is snake_case; use "allowedDecisions"/,
      ],
      [{ timeout_seconds: 5 }, /use "timeoutSeconds"/],
      [{ on_timeout: "approve" }, /use "onTimeout"/],
      [{ allowedDecisions: [] }, /allowedDecisions/],
      [{ allowedDecisions: ["approve", "edit"] }, /allowedDecisions/],
      [{ timeoutSeconds: 0 }, /timeoutSeconds/],
      [{ timeoutSeconds: -5 }, /timeoutSeconds/],
      [{ onTimeout: "retry" }, /onTimeout/],
      [{ severity: "LOUD" }, /severity/],
    ];
    for (const [entry, message] of bad) {
      expect(() => definePolicies({ pay: entry as never })).toThrow(InvalidConfigError);
      expect(() => definePolicies({ pay: entry as never })).toThrow(message);
    }
    expect(() => definePolicies({}, { default: "maybe" as never })).toThrow(/"default"/);
    // Tool names may be snake_case; only option keys may not.
    expect(() => definePolicies({ transfer_funds: true })).not.toThrow();
  });
});
