/**
 * The in-process channel honours the inbox's rules through core's one quorum and eligibility
 * rule: each reviewer's approval counts once, a rejection is a veto, a modification voids
 * earlier approvals, assignees and groups are checked, escalation applies on the clock; the
 * agent sees one final outcome with `decision.approvals`. Channels that know no quorum
 * (terminal, custom) never settle a four-eyes action with one answer.
 */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  ActionStatus,
  type ApprovalChannel,
  type ApprovalDecision,
  type ApprovalRequest,
  createManualClock,
  type DecisionListener,
  ErrorCode,
  HumanActionHandler,
  InProcessApprovalChannel,
  isSafeguardsError,
  TerminalApprovalChannel,
} from "../src/index.js";

const REVIEWERS = [
  { name: "alice", groups: ["finance"] },
  { name: "bob", groups: ["finance"] },
  { name: "dora", groups: ["finance"] },
  { name: "carol", groups: ["cfo"] },
  { name: "mallory", groups: ["sales"] },
];

function setup() {
  const clock = createManualClock(Date.parse("2026-01-01T00:00:00Z"));
  const channel = new InProcessApprovalChannel({ clock, reviewers: REVIEWERS });
  const handler = new HumanActionHandler(channel, { clock, timeoutSeconds: 900 });
  const request = (fields = {}) =>
    handler.requestAction({
      title: "Pay 60,000.00",
      description: "Supplier invoice",
      agentId: "payments",
      action: { name: "transfer_funds", args: { amount: "60000.00", to: "ACME" } },
      requiredApprovals: 2,
      assignees: ["group:finance"],
      escalation: [{ afterSeconds: 60, assignees: ["group:cfo"] }],
      ...fields,
    });
  return { clock, channel, handler, request };
}

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a refusal");
}

describe("in-process quorum", () => {
  it("two distinct approvals settle it; the first leaves it pending; the agent sees who approved", async () => {
    const { channel, handler, request } = setup();
    const action = await request();
    expect(channel.approve(action.id, { reviewer: "alice", comments: "ok" })).toBeNull();
    expect(action.status).toBe(ActionStatus.PENDING);
    expect(channel.approvals(action.id).map((a) => a.reviewer)).toEqual(["alice"]);
    const decision = channel.approve(action.id, { reviewer: "bob" });
    expect(decision?.status).toBe(ActionStatus.APPROVED);
    expect(await handler.waitForAction(action)).toBe(ActionStatus.APPROVED);
    expect(action.decision?.approvals?.map((a) => [a.reviewer, a.comments])).toEqual([
      ["alice", "ok"],
      ["bob", undefined],
    ]);
    expect(action.approvals.map((a) => a.reviewer)).toEqual(["alice", "bob"]);
    expect(action.reviewer).toBe("bob");
    expect(action.toJSON().approvals).toHaveLength(2);
  });

  it("the same reviewer again is refused with already_approved and changes nothing", async () => {
    const { channel, request } = setup();
    const action = await request();
    channel.approve(action.id, { reviewer: "alice" });
    const error = errorOf(() => channel.approve(action.id, { reviewer: "alice" }));
    expect(isSafeguardsError(error, ErrorCode.ALREADY_APPROVED)).toBe(true);
    expect((error as Error).message).toMatch(/already_approved/);
    expect(channel.approvals(action.id)).toHaveLength(1);
    expect(action.status).toBe(ActionStatus.PENDING);
  });

  it("a default reviewer counts once too: approving twice without a name is refused", async () => {
    const { channel, request } = setup();
    const action = await request({ assignees: undefined, escalation: undefined });
    expect(channel.approve(action.id)).toBeNull();
    expect(
      isSafeguardsError(
        errorOf(() => channel.approve(action.id)),
        ErrorCode.ALREADY_APPROVED,
      ),
    ).toBe(true);
  });

  it("a rejection is a veto, whatever the approvals so far", async () => {
    const { channel, handler, request } = setup();
    const action = await request();
    channel.approve(action.id, { reviewer: "alice" });
    channel.reject(action.id, { reviewer: "bob", comments: "Unknown supplier" });
    expect(await handler.waitForAction(action)).toBe(ActionStatus.REJECTED);
    expect(action.comments).toBe("Unknown supplier");
    expect(action.approvedValues).toBeUndefined();
  });

  it("a modification voids earlier approvals and counts as the modifier's; MODIFIED once enough approve it", async () => {
    const { channel, handler, request } = setup();
    const action = await request();
    channel.approve(action.id, { reviewer: "alice" });
    expect(channel.modify(action.id, { amount: "55000.00" }, { reviewer: "bob" })).toBeNull();
    expect(channel.approvals(action.id).map((a) => a.reviewer)).toEqual(["bob"]);
    // alice approved the old arguments only: her approval of the new ones counts
    const decision = channel.approve(action.id, { reviewer: "alice" });
    expect(decision?.status).toBe(ActionStatus.MODIFIED);
    expect(await handler.waitForAction(action)).toBe(ActionStatus.MODIFIED);
    expect(action.responseData).toEqual({ amount: "55000.00" });
    expect(action.approvedValues).toEqual({ amount: "55000.00", to: "ACME" });
    expect(action.approvals.map((a) => a.reviewer)).toEqual(["bob", "alice"]);
  });

  it("a second modification is checked against the arguments under review and both changes apply", async () => {
    const { channel, handler, request } = setup();
    const action = await request();
    channel.modify(action.id, { amount: "55000.00" }, { reviewer: "bob" });
    const unknown = errorOf(() => channel.modify(action.id, { iban: "x" }, { reviewer: "alice" }));
    expect(isSafeguardsError(unknown, ErrorCode.INVALID_MODIFICATION)).toBe(true);
    expect(channel.approvals(action.id).map((a) => a.reviewer)).toEqual(["bob"]);
    expect(channel.modify(action.id, { to: "ACME Ltd" }, { reviewer: "alice" })).toBeNull();
    channel.approve(action.id, { reviewer: "dora" });
    expect(await handler.waitForAction(action)).toBe(ActionStatus.MODIFIED);
    expect(action.approvedValues).toEqual({ amount: "55000.00", to: "ACME Ltd" });
  });

  it("only assignees decide: a reviewer outside the groups is refused (forbidden), even to reject", async () => {
    const { channel, request } = setup();
    const action = await request();
    for (const decide of [
      () => channel.approve(action.id, { reviewer: "mallory" }),
      () => channel.reject(action.id, { reviewer: "mallory" }),
      () => channel.approve(action.id, { reviewer: "stranger" }),
      () => channel.approve(action.id), // the default reviewer "in-process" is in no group
    ]) {
      const error = errorOf(decide);
      expect(isSafeguardsError(error, ErrorCode.UNAUTHORIZED)).toBe(true);
      expect((error as Error).message).toMatch(/forbidden/);
    }
    expect(channel.approvals(action.id)).toEqual([]);
    expect(action.status).toBe(ActionStatus.PENDING);
  });

  it("a reviewer named directly is an assignee without a group", async () => {
    const { channel, handler, request } = setup();
    const action = await request({
      assignees: ["erin"],
      requiredApprovals: 1,
      escalation: undefined,
    });
    channel.approve(action.id, { reviewer: "erin" });
    expect(await handler.waitForAction(action)).toBe(ActionStatus.APPROVED);
  });

  it("escalation adds the CFO once the step is due on the clock; the finance approvals still count", async () => {
    const { clock, channel, handler, request } = setup();
    const action = await request();
    channel.approve(action.id, { reviewer: "alice" });
    expect(
      isSafeguardsError(
        errorOf(() => channel.approve(action.id, { reviewer: "carol" })),
        ErrorCode.UNAUTHORIZED,
      ),
    ).toBe(true);
    expect(channel.assignees(action.id)).toEqual(["group:finance"]);
    clock.advance(59_999);
    expect(channel.assignees(action.id)).toEqual(["group:finance"]);
    clock.advance(1);
    expect(channel.assignees(action.id)).toEqual(["group:finance", "group:cfo"]);
    channel.approve(action.id, { reviewer: "carol" });
    expect(await handler.waitForAction(action)).toBe(ActionStatus.APPROVED);
    expect(action.approvals.map((a) => a.reviewer)).toEqual(["alice", "carol"]);
  });

  it("with one approval required nothing changes: the first approval settles it", async () => {
    const { channel, handler, request } = setup();
    const action = await request({
      requiredApprovals: undefined,
      assignees: undefined,
      escalation: undefined,
    });
    expect(channel.approve(action.id, { reviewer: "anyone" })?.status).toBe(ActionStatus.APPROVED);
    expect(await handler.waitForAction(action)).toBe(ActionStatus.APPROVED);
    expect(action.approvals.map((a) => a.reviewer)).toEqual(["anyone"]);
  });

  it("refuses reviewers with bad names or groups, or listed twice, naming the key", () => {
    const cases: [unknown, RegExp][] = [
      [[{ name: "" }], /"reviewers\.0\.name"/],
      [[{ name: "al:ice" }], /"reviewers\.0\.name"/],
      [[{ name: "a", groups: ["fin ance"] }], /"reviewers\.0\.groups\.0"/],
      [[{ name: "a", groups: "finance" }], /"reviewers\.0\.groups"/],
      [[{ name: "a" }, { name: "a" }], /"a" is listed twice/],
      [[{ name: "a", group: ["x"] }], /reviewers\.0/],
    ];
    for (const [reviewers, message] of cases) {
      const error = errorOf(() => new InProcessApprovalChannel({ reviewers: reviewers as never }));
      expect(isSafeguardsError(error, ErrorCode.INVALID_CONFIG)).toBe(true);
      expect((error as Error).message).toMatch(message);
    }
  });
});

const ASSIGNED_TO_FINANCE = {
  title: "t",
  description: "d",
  agentId: "a",
  assignees: ["group:finance"],
};

/** A terminal channel on streams, with what it wrote so far. */
function terminal(options: { reviewer: string; groups?: string[] }) {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = "";
  output.on("data", (chunk) => {
    text += String(chunk);
  });
  const clock = createManualClock();
  const channel = new TerminalApprovalChannel({ input, output, clock, ...options });
  const handler = new HumanActionHandler(channel, { clock });
  return { input, channel, handler, written: () => text };
}

describe("channels that know no quorum never settle a four-eyes action with one answer", () => {
  it("the terminal refuses a request that needs two approvals (requestAction rejects; nothing is asked)", async () => {
    const { channel, handler, written } = terminal({ reviewer: "alice" });
    const refused = await handler
      .requestAction({ title: "t", description: "d", agentId: "a", requiredApprovals: 2 })
      .catch((e) => e);
    expect(isSafeguardsError(refused, ErrorCode.CHANNEL_DELIVERY_FAILED)).toBe(true);
    expect((refused as Error).message).toMatch(/needs 2 approvals from distinct reviewers/);
    expect(channel.pending()).toEqual([]);
    expect(handler.pendingCount).toBe(0);
    await channel.idle();
    expect(written()).toBe("");
    channel.shutdown();
  });

  it("the terminal's reviewer outside the assignees is refused and the request stays pending", async () => {
    const { channel, handler, written, input } = terminal({ reviewer: "bob", groups: ["ops"] });
    const action = await handler.requestAction({ ...ASSIGNED_TO_FINANCE });
    input.write("a\n");
    await channel.idle();
    expect(written()).toMatch(/may not decide .* \(forbidden\)/);
    expect(action.status).toBe(ActionStatus.PENDING);
    channel.shutdown();
    handler.shutdown();
  });

  it("the terminal's reviewer in an assigned group decides as before", async () => {
    const { channel, handler, input, written } = terminal({ reviewer: "bob", groups: ["finance"] });
    const action = await handler.requestAction({ ...ASSIGNED_TO_FINANCE });
    input.write("a\n");
    expect(await handler.waitForAction(action)).toBe(ActionStatus.APPROVED);
    expect(action.approvals.map((a) => a.reviewer)).toEqual(["bob"]);
    expect(written()).toMatch(/Recorded: approved by bob/);
    channel.shutdown();
  });

  it("the handler refuses a custom channel's approval that reports fewer approvers than required", async () => {
    const listeners = new Set<DecisionListener>();
    const errors: unknown[] = [];
    const naive: ApprovalChannel = {
      initialize() {},
      shutdown() {},
      sendNotification: () => true,
      async submitRequest(_request: ApprovalRequest) {},
      onDecision(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      async cancelRequest() {
        return undefined;
      },
      async expireRequest() {
        return undefined;
      },
      async getRecord() {
        return undefined;
      },
    };
    const clock = createManualClock();
    const handler = new HumanActionHandler(naive, {
      clock,
      onError: (error) => errors.push(error),
    });
    const action = await handler.requestAction({
      title: "t",
      description: "d",
      agentId: "a",
      requiredApprovals: 2,
    });
    const decide = (decision: ApprovalDecision) => {
      for (const listener of listeners) listener(action.id, decision);
    };
    const at = new Date(clock.now());
    decide({ status: "approved", reviewer: "alice", decidedAt: at });
    decide({
      status: "approved",
      reviewer: "alice",
      decidedAt: at,
      approvals: [
        { reviewer: "alice", decidedAt: at },
        { reviewer: "alice", decidedAt: at },
      ],
    });
    expect(action.status).toBe(ActionStatus.PENDING);
    expect(errors).toHaveLength(2);
    expect(isSafeguardsError(errors[0], ErrorCode.DECISION_NOT_ALLOWED)).toBe(true);
    expect((errors[0] as Error).message).toMatch(/needs 2 approvals from distinct reviewers/);
    // a rejection needs no quorum (a veto); nor do timeouts
    decide({ status: "rejected", reviewer: "bob", decidedAt: at });
    expect(action.status).toBe(ActionStatus.REJECTED);
    handler.shutdown();
  });
});
