import { describe, expect, it } from "vitest";
import { settleHumanAction } from "../src/actions/human-action.js";
import {
  ActionStatus,
  type ApprovalDecision,
  type ApprovalRequest,
  HumanAction,
  hashArgs,
  type JsonObject,
} from "../src/index.js";
import { resolveOutcome } from "../src/internal.js";

const args: JsonObject = { amount: "2500.00", to: "ACME", memo: { ref: [1, 2] } };

function action(
  decision?: Omit<ApprovalDecision, "decidedAt">,
  argsHash: string | null = hashArgs(args),
) {
  const now = new Date("2026-11-29T12:00:00Z");
  const request: ApprovalRequest = {
    id: "act_1",
    title: "Approve transfer",
    description: "",
    severity: "WARNING",
    agentId: "agent-1",
    metadata: {},
    action: { name: "transfer_funds", args },
    ...(argsHash === null ? {} : { argsHash }),
    allowedDecisions: ["approve", "modify", "reject"],
    createdAt: now,
    expiresAt: new Date(now.getTime() + 60_000),
  };
  const result = new HumanAction(request);
  if (decision) settleHumanAction(result, { ...decision, decidedAt: now });
  return result;
}

describe("resolveOutcome", () => {
  it("APPROVED runs with a copy of exactly the original arguments", () => {
    const outcome = resolveOutcome(action({ status: ActionStatus.APPROVED }), args);
    expect(outcome).toMatchObject({ run: true, modified: false, args });
    if (!outcome.run) throw new Error("unreachable");
    expect(outcome.args).not.toBe(args);
    (outcome.args.memo as { ref: number[] }).ref.push(3);
    expect((args.memo as { ref: number[] }).ref).toEqual([1, 2]);
  });

  it("APPROVED with other arguments than the approved ones does not run (hash mismatch)", () => {
    const approved = action({ status: ActionStatus.APPROVED });
    const outcome = resolveOutcome(approved, { ...args, amount: "25000.00" });
    expect(outcome).toMatchObject({ run: false, status: "approved" });
    if (outcome.run) throw new Error("unreachable");
    expect(outcome.reason).toMatch(/differ from the ones a human approved/);
  });

  it("an action without an args hash never runs", () => {
    const outcome = resolveOutcome(action({ status: ActionStatus.APPROVED }, null), args);
    expect(outcome.run).toBe(false);
  });

  it("MODIFIED merges the reviewer's fields into the original arguments", () => {
    const modified = action({
      status: ActionStatus.MODIFIED,
      responseData: { amount: "1800.00" },
      reviewer: "alice",
    });
    const outcome = resolveOutcome(modified, args);
    expect(outcome).toMatchObject({
      run: true,
      modified: true,
      args: { amount: "1800.00", to: "ACME", memo: { ref: [1, 2] } },
    });
  });

  it("MODIFIED on arguments other than the reviewed ones does not run", () => {
    const modified = action({ status: ActionStatus.MODIFIED, responseData: { amount: "1.00" } });
    const outcome = resolveOutcome(modified, { ...args, to: "EVIL" });
    expect(outcome).toMatchObject({ run: false, status: "modified" });
  });

  it("REJECTED does not run; the reason carries the reviewer and the comment", () => {
    const rejected = action({
      status: ActionStatus.REJECTED,
      reviewer: "bob",
      comments: "too much",
    });
    const outcome = resolveOutcome(rejected, args);
    expect(outcome).toMatchObject({ run: false, status: "rejected" });
    if (outcome.run) throw new Error("unreachable");
    expect(outcome.reason).toBe("A human reviewer rejected this call (bob): too much");
    const bare = resolveOutcome(action({ status: ActionStatus.REJECTED }), args);
    expect(bare.run ? "" : bare.reason).toContain("no reason given");
  });

  it("TIMED_OUT does not run by default, or with onTimeout reject", () => {
    for (const options of [{}, { onTimeout: "reject" as const }]) {
      const outcome = resolveOutcome(action({ status: ActionStatus.TIMED_OUT }), args, options);
      expect(outcome).toMatchObject({ run: false, status: "timed_out" });
      expect(outcome.run ? "" : outcome.reason).toMatch(/No human decided in time/);
    }
  });

  it("TIMED_OUT with onTimeout approve runs the original arguments, but only if they match", () => {
    const timedOut = action({ status: ActionStatus.TIMED_OUT });
    expect(resolveOutcome(timedOut, args, { onTimeout: "approve" })).toMatchObject({
      run: true,
      modified: false,
      args,
    });
    expect(resolveOutcome(timedOut, { ...args, amount: "9" }, { onTimeout: "approve" }).run).toBe(
      false,
    );
  });

  it("CANCELLED and PENDING do not run", () => {
    const cancelled = resolveOutcome(action({ status: ActionStatus.CANCELLED }), args);
    expect(cancelled).toMatchObject({ run: false, status: "cancelled" });
    expect(cancelled.run ? "" : cancelled.reason).toMatch(/cancelled/);
    const pending = resolveOutcome(action(), args);
    expect(pending).toMatchObject({ run: false, status: "pending" });
    expect(pending.run ? "" : pending.reason).toMatch(/still waiting/);
  });
});
