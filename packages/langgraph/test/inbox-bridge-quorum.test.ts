/**
 * A policy's approvers travel with the interrupt: the approval node puts `assignees`,
 * `required_approvals` and `escalation` in the payload, the inbox bridge files them with the
 * request, and the thread resumes once, when the quorum is reached. A direct resume with one
 * answer never runs a call that needs two approvals.
 */
import { HumanMessage } from "@langchain/core/messages";
import { Command, isInterrupted, MemorySaver } from "@langchain/langgraph";
import {
  createManualClock,
  definePolicies,
  ErrorCode,
  InProcessApprovalChannel,
  isSafeguardsError,
} from "@safeguards/core";
import { deferCleanup, eventually, fourEyesInboxWithReviewers } from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import { createInboxBridge } from "../src/inbox-bridge.js";
import { listPendingApprovals } from "../src/resume.js";
import { buildPaymentsGraph, plannedCalls, type RunLog } from "./fixtures/payments-graph.js";

const defer = deferCleanup();
const fourEyes = definePolicies({
  transfer_funds: {
    when: ({ args }) => Number(args.amount) > 1000,
    requiredApprovals: 2,
    assignees: ["group:finance"],
    escalation: [{ afterSeconds: 60, assignees: ["group:cfo"] }],
    timeoutSeconds: 300,
  },
  delete_customer: true,
  get_balance: false,
});

async function interrupted(threadId: string) {
  const log: RunLog = [];
  const graph = buildPaymentsGraph({
    checkpointer: new MemorySaver(),
    calls: [plannedCalls.big],
    log,
    policies: fourEyes,
  });
  const config = { configurable: { thread_id: threadId } };
  await graph.invoke({ messages: [new HumanMessage("pay")] }, config);
  return { graph, config, log };
}

describe("four eyes through the inbox bridge", () => {
  it("the payload carries the policy's approvers and the bridge files them", async () => {
    const { graph, config } = await interrupted("q1");
    const [pending] = await listPendingApprovals(graph, config);
    expect(pending?.payload).toMatchObject({
      required_approvals: 2,
      assignees: ["group:finance"],
      escalation: [{ after_seconds: 60, assignees: ["group:cfo"] }],
    });
    const channel = new InProcessApprovalChannel();
    const bridge = createInboxBridge({ graph, channel });
    await bridge.file("q1");
    expect(channel.pending()[0]).toMatchObject({
      requiredApprovals: 2,
      assignees: ["group:finance"],
      escalation: [{ afterSeconds: 60, assignees: ["group:cfo"] }],
    });
    bridge.stop();
  });

  it("one approval does not resume the thread; the second (after escalation, by the CFO) runs the call once", async () => {
    const { graph, log } = await interrupted("q2");
    const clock = createManualClock();
    const channel = new InProcessApprovalChannel({
      clock,
      reviewers: [
        { name: "alice", groups: ["finance"] },
        { name: "carol", groups: ["cfo"] },
      ],
    });
    const resumed: unknown[] = [];
    const bridge = createInboxBridge({
      graph,
      channel,
      clock,
      onResumed: (_thread, result) => resumed.push(result),
    });
    const [p] = await bridge.file("q2");
    const id = bridge.requestId("q2", p!.interruptId);
    expect(channel.approve(id, { reviewer: "alice" })).toBeNull();
    await bridge.idle();
    expect(resumed).toEqual([]);
    expect(log).toEqual([]);
    expect(() => channel.approve(id, { reviewer: "carol" })).toThrow(/forbidden/);
    clock.advance(60_000);
    channel.approve(id, { reviewer: "carol" });
    await bridge.idle();
    expect(resumed).toHaveLength(1);
    expect(isInterrupted(resumed[0])).toBe(false);
    expect(log).toEqual([{ name: "transfer_funds", args: { amount: "2500.00", to: "ACME" } }]);
    bridge.stop();
  });

  it("a direct resume with one approval is refused and nothing runs; a rejection (a veto) needs one answer", async () => {
    const { graph, config, log } = await interrupted("q3");
    const [p] = await listPendingApprovals(graph, config);
    const refused = await graph
      .invoke(new Command({ resume: { [p!.interruptId]: { type: "approve" } } }), config)
      .catch((error: unknown) => error);
    expect(isSafeguardsError(refused, ErrorCode.DECISION_NOT_ALLOWED)).toBe(true);
    expect((refused as Error).message).toMatch(/needs 2 approvals from distinct reviewers/);
    const same = await graph
      .invoke(
        new Command({
          resume: { [p!.interruptId]: { type: "approve", approvals: ["alice", "alice"] } },
        }),
        config,
      )
      .catch((error: unknown) => error);
    expect(isSafeguardsError(same, ErrorCode.DECISION_NOT_ALLOWED)).toBe(true);
    expect(log).toEqual([]);
    expect(await listPendingApprovals(graph, config)).toHaveLength(1);
    // a rejection is a veto: one answer is enough
    await graph.invoke(
      new Command({ resume: { [p!.interruptId]: { type: "reject", comments: "no" } } }),
      config,
    );
    expect(log).toEqual([]);
    expect(await listPendingApprovals(graph, config)).toEqual([]);
  });

  it("a direct resume that names two distinct approvers runs the call", async () => {
    const { graph, config, log } = await interrupted("q4");
    const [p] = await listPendingApprovals(graph, config);
    await graph.invoke(
      new Command({
        resume: { [p!.interruptId]: { type: "approve", approvals: ["alice", "bob"] } },
      }),
      config,
    );
    expect(log).toEqual([{ name: "transfer_funds", args: { amount: "2500.00", to: "ACME" } }]);
  });
});

describe("four eyes through the inbox bridge and a real inbox over HTTP", () => {
  it("the bridge files the approvers with the inbox and resumes once, after alice and bob", async () => {
    const { graph, log } = await interrupted("q5");
    const { handler, channel, reviewers } = await fourEyesInboxWithReviewers(
      defer,
      () => log.length,
      "payments",
    );
    let resumed = 0;
    const bridge = createInboxBridge({ graph, channel, handler, onResumed: () => resumed++ });
    defer(() => bridge.stop());
    await bridge.file("q5");
    await eventually(() => resumed > 0);
    await bridge.idle();
    await reviewers.expectFourEyes();
    expect(resumed).toBe(1);
    expect(log).toEqual([{ name: "transfer_funds", args: { amount: "2500.00", to: "ACME" } }]);
  });
});
