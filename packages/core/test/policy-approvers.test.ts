/**
 * Who decides a flagged call, in code: a policy's `assignees`, `requiredApprovals` and
 * `escalation` are checked with the protocol's limits when the policies are defined, reach the
 * verdict, and `requestAction` files them (and refuses what the inbox would refuse).
 */
import { describe, expect, it } from "vitest";
import {
  createManualClock,
  definePolicies,
  ErrorCode,
  HumanActionHandler,
  InProcessApprovalChannel,
  isSafeguardsError,
  type PolicyVerdict,
  type ToolPolicy,
} from "../src/index.js";

const ctx = (toolName: string) => ({ toolName, args: {}, agentId: "agent-1" });

function required(verdict: PolicyVerdict) {
  if (!verdict.required) throw new Error("expected the call to need a human");
  return verdict;
}

function refusal(policy: ToolPolicy): Error {
  try {
    definePolicies({ pay: policy });
  } catch (error) {
    expect(isSafeguardsError(error, ErrorCode.INVALID_CONFIG)).toBe(true);
    return error as Error;
  }
  throw new Error("expected definePolicies to refuse the policy");
}

const FOUR_EYES = {
  requiredApprovals: 2,
  assignees: ["group:finance"],
  escalation: [{ afterSeconds: 600, assignees: ["group:cfo"] }],
} satisfies ToolPolicy;

describe("policy approvers", () => {
  it("reach the verdict as given (copied: changing the verdict does not change the policy)", async () => {
    const policies = definePolicies({ pay: { ...FOUR_EYES, timeoutSeconds: 900 } });
    const first = required(await policies.evaluate(ctx("pay")));
    expect(first).toMatchObject({
      requiredApprovals: 2,
      assignees: ["group:finance"],
      escalation: [{ afterSeconds: 600, assignees: ["group:cfo"] }],
    });
    first.assignees?.push("mallory");
    first.escalation?.[0]?.assignees.push("mallory");
    const second = required(await policies.evaluate(ctx("pay")));
    expect(second.assignees).toEqual(["group:finance"]);
    expect(second.escalation?.[0]?.assignees).toEqual(["group:cfo"]);
  });

  it("a policy without them files none (every reviewer with the right, one approval)", async () => {
    const verdict = required(await definePolicies({ pay: true }).evaluate(ctx("pay")));
    expect(verdict).not.toHaveProperty("assignees");
    expect(verdict).not.toHaveProperty("requiredApprovals");
    expect(verdict).not.toHaveProperty("escalation");
  });

  it("the deprecated `reviewers` is an alias of assignees; giving both is refused", async () => {
    const policies = definePolicies({ pay: { reviewers: ["alice", "group:ops"] } });
    const verdict = required(await policies.evaluate(ctx("pay")));
    expect(verdict.assignees).toEqual(["alice", "group:ops"]);
    expect(verdict).not.toHaveProperty("reviewers");
    expect(policies.entryFor("pay")).toMatchObject({ assignees: ["alice", "group:ops"] });
    expect(refusal({ reviewers: ["alice"], assignees: ["bob"] }).message).toMatch(
      /"reviewers" is the old name of "assignees"/,
    );
    expect(refusal({ reviewers: ["a:b"] }).message).toMatch(/alias of assignees/);
  });

  it("refuses what the protocol refuses, naming the policy and the field", () => {
    const cases: [ToolPolicy, RegExp][] = [
      [{ requiredApprovals: 0 }, /Policy "pay": requiredApprovals/],
      [{ requiredApprovals: 1.5 }, /requiredApprovals/],
      [{ requiredApprovals: 21 }, /requiredApprovals/],
      [{ requiredApprovals: "2" as never }, /requiredApprovals/],
      [{ assignees: [] }, /assignees: assignees must name at least one/],
      [{ assignees: ["alice", "alice"] }, /duplicate assignee "alice"/],
      [{ assignees: ["group:"] }, /assignees\[0\]: invalid group entry/],
      [{ assignees: ["al:ice"] }, /invalid reviewer name/],
      [{ assignees: "group:finance" as never }, /assignees/],
      [{ escalation: [] }, /escalation must have at least one step/],
      [{ escalation: [{ afterSeconds: 0, assignees: ["x"] }] }, /escalation\[0\]\.afterSeconds/],
      [{ escalation: [{ afterSeconds: 1.5, assignees: ["x"] }] }, /afterSeconds/],
      [
        {
          escalation: [
            { afterSeconds: 60, assignees: ["x"] },
            { afterSeconds: 60, assignees: ["y"] },
          ],
        },
        /strictly increasing afterSeconds/,
      ],
      [{ escalation: [{ afterSeconds: 60, assignees: [] }] }, /escalation\[0\]\.assignees/],
      [{ escalation: [{ after_seconds: 60, assignees: ["x"] } as never] }, /escalation/],
      [
        { timeoutSeconds: 300, escalation: [{ afterSeconds: 300, assignees: ["x"] }] },
        /not before the timeout \(300 s\)/,
      ],
    ];
    for (const [policy, message] of cases) expect(refusal(policy).message).toMatch(message);
    expect(refusal({ required_approvals: 2 } as never).message).toMatch(/"requiredApprovals"/);
    expect(refusal({ requiredApprovals: 2, onTimeout: "approve" }).message).toMatch(
      /onTimeout "approve" would run the call with no approval at all/,
    );
    expect(() =>
      definePolicies({ pay: { requiredApprovals: 1, onTimeout: "approve" } }),
    ).not.toThrow();
  });

  it("a failing `when` still asks the policy's approvers (fail closed never lowers the quorum)", async () => {
    const policies = definePolicies({
      pay: {
        ...FOUR_EYES,
        when: () => {
          throw new Error("rates service down");
        },
      },
    });
    const verdict = required(await policies.evaluate(ctx("pay")));
    expect(verdict.policyError).toBe("rates service down");
    expect(verdict).toMatchObject({ requiredApprovals: 2, assignees: ["group:finance"] });
  });
});

describe("requestAction's approver fields", () => {
  function setup() {
    const clock = createManualClock(Date.parse("2026-01-01T00:00:00Z"));
    const channel = new InProcessApprovalChannel({ clock });
    const handler = new HumanActionHandler(channel, { clock, timeoutSeconds: 900 });
    return { clock, channel, handler };
  }
  const base = { title: "Pay", description: "d", agentId: "a" };

  it("are filed with the request and kept on the action", async () => {
    const { channel, handler } = setup();
    const action = await handler.requestAction({ ...base, ...FOUR_EYES });
    const [request] = channel.pending();
    expect(request).toMatchObject({
      requiredApprovals: 2,
      assignees: ["group:finance"],
      escalation: [{ afterSeconds: 600, assignees: ["group:cfo"] }],
    });
    expect(action.requiredApprovals).toBe(2);
    expect(action.assignees).toEqual(["group:finance"]);
    expect(action.escalation).toEqual([{ afterSeconds: 600, assignees: ["group:cfo"] }]);
    expect((await handler.requestAction(base)).requiredApprovals).toBe(1);
  });

  it("bad ones are refused before anything is filed (the handler's timeout counts)", async () => {
    const { channel, handler } = setup();
    const bad = [
      { requiredApprovals: 0 },
      { assignees: ["group:fin ance"] },
      { escalation: [{ afterSeconds: 900, assignees: ["group:cfo"] }] },
      { timeoutSeconds: 60, escalation: [{ afterSeconds: 120, assignees: ["group:cfo"] }] },
    ];
    for (const fields of bad) {
      const refused = await handler.requestAction({ ...base, ...fields }).catch((e) => e);
      expect(isSafeguardsError(refused, ErrorCode.INVALID_ARGUMENT), String(refused)).toBe(true);
    }
    const snake = await handler
      .requestAction({ ...base, required_approvals: 2 } as never)
      .catch((e) => e);
    expect((snake as Error).message).toMatch(/use "requiredApprovals"/);
    expect(channel.pending()).toEqual([]);
    expect(handler.pendingCount).toBe(0);
  });
});
