import { describe, expect, it } from "vitest";
import {
  approvalsMissing,
  castVote,
  hasApproved,
  type QuorumState,
} from "../src/actions/approval-quorum.js";
import type { JsonObject } from "../src/util/json.js";

type A = { reviewer: string; at: number };
const state = (
  required: number,
  approvals: A[] = [],
  proposedChanges: JsonObject | null = null,
): QuorumState<A> => ({
  requiredApprovals: required,
  approvals,
  proposedChanges,
});
const vote = (
  type: "approve" | "modify" | "reject",
  reviewer: string,
  responseData?: Record<string, string>,
) => ({
  type,
  approval: { reviewer, at: 1 },
  ...(responseData ? { responseData } : {}),
});

describe("castVote", () => {
  it("with 1 required, approve and modify settle at once, as before quorums", () => {
    expect(castVote(state(1), vote("approve", "alice"))).toEqual({
      kind: "settled",
      status: "approved",
      approvals: [{ reviewer: "alice", at: 1 }],
      proposedChanges: null,
    });
    expect(castVote(state(1), vote("modify", "alice", { amount: "5" }))).toMatchObject({
      kind: "settled",
      status: "modified",
      proposedChanges: { amount: "5" },
    });
  });

  it("records approvals until the count is reached, then settles approved", () => {
    const first = castVote(state(2), vote("approve", "alice"));
    expect(first).toMatchObject({ kind: "recorded", approvals: [{ reviewer: "alice" }] });
    if (first.kind !== "recorded") throw new Error("expected recorded");
    const second = castVote(state(2, first.approvals), vote("approve", "bob"));
    expect(second).toMatchObject({ kind: "settled", status: "approved" });
    if (second.kind !== "settled") throw new Error("expected settled");
    expect(second.approvals.map((a) => a.reviewer)).toEqual(["alice", "bob"]);
  });

  it("refuses the same reviewer twice", () => {
    expect(castVote(state(2, [{ reviewer: "alice", at: 0 }]), vote("approve", "alice"))).toEqual({
      kind: "already_approved",
    });
  });

  it("reject is a veto, whatever was approved before", () => {
    const before = [{ reviewer: "alice", at: 0 }];
    expect(castVote(state(3, before), vote("reject", "alice"))).toEqual({
      kind: "settled",
      status: "rejected",
      approvals: before,
      proposedChanges: null,
    });
  });

  it("modify voids earlier approvals, counts as the modifier's, and accumulates changes", () => {
    const modified = castVote(
      state(2, [{ reviewer: "alice", at: 0 }], { a: "1" }),
      vote("modify", "bob", { b: "2" }),
    );
    expect(modified).toEqual({
      kind: "recorded",
      approvals: [{ reviewer: "bob", at: 1 }],
      proposedChanges: { a: "1", b: "2" },
    });
    if (modified.kind !== "recorded") throw new Error("expected recorded");
    // alice's approval was voided: she may approve again, and that settles "modified".
    const settled = castVote(
      state(2, modified.approvals, modified.proposedChanges),
      vote("approve", "alice"),
    );
    expect(settled).toMatchObject({
      kind: "settled",
      status: "modified",
      proposedChanges: { a: "1", b: "2" },
    });
  });

  it("a reviewer who approved may modify (voiding their own approval too)", () => {
    const out = castVote(
      state(2, [{ reviewer: "alice", at: 0 }]),
      vote("modify", "alice", { a: "1" }),
    );
    expect(out).toMatchObject({ kind: "recorded", approvals: [{ reviewer: "alice", at: 1 }] });
  });

  it("answers who approved and how many are missing", () => {
    const s = state(3, [{ reviewer: "alice", at: 0 }]);
    expect(hasApproved(s.approvals, "alice")).toBe(true);
    expect(hasApproved(s.approvals, "bob")).toBe(false);
    expect(approvalsMissing(s)).toBe(2);
    expect(
      approvalsMissing(
        state(1, [
          { reviewer: "a", at: 0 },
          { reviewer: "b", at: 0 },
        ]),
      ),
    ).toBe(0);
  });
});
