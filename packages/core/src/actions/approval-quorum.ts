/**
 * @module approval-quorum
 * The one home of the quorum rule (PROTOCOL.md, "Assignees, quorum and escalation"), used by
 * the inbox and the in-process channel alike: what one eligible reviewer's decision does to
 * a pending action that needs `requiredApprovals` distinct approvals.
 *
 * - `approve` records the reviewer's approval; the one that reaches the count settles the
 *   action `approved`, or `modified` when the arguments under review were modified. The
 *   same reviewer again is `already_approved`.
 * - `reject` settles it `rejected` at once (a veto).
 * - `modify` adds its changes to the ones under review, voids every earlier approval and
 *   counts as the modifier's approval of the new arguments (with 1 required: settles
 *   `modified` at once, as before quorums existed).
 *
 * Eligibility (assignees) and the modification's own checks are separate: see
 * `assignees.ts` and `modification.ts`.
 */
import type { JsonObject } from "../util/json.js";
import type { DecisionType } from "./action-status.js";

/** What the rule needs of an approval: who made it (wire and domain approvals both fit). */
export interface ApprovalLike {
  reviewer: string;
}

/** A pending action's quorum state. */
export interface QuorumState<A extends ApprovalLike> {
  /** How many distinct reviewers must approve (1 when absent on the wire). */
  requiredApprovals: number;
  /** Approvals so far of the arguments under review. */
  approvals: readonly A[];
  /** Changes that `modify` decisions made so far (relative to the filed arguments), or `null`. */
  proposedChanges: JsonObject | null;
}

/** One reviewer's decision. */
export interface QuorumVote<A extends ApprovalLike> {
  type: DecisionType;
  /** The approval this vote records if it counts (its `reviewer` is the voter). */
  approval: A;
  /** For `modify`: the changed fields (already checked against the arguments under review). */
  responseData?: JsonObject;
}

/** What a vote does. */
export type QuorumOutcome<A extends ApprovalLike> =
  | {
      /** The reviewer has already approved the arguments under review: nothing changes. */
      kind: "already_approved";
    }
  | {
      /** The approval is recorded; the action stays pending. */
      kind: "recorded";
      approvals: A[];
      proposedChanges: JsonObject | null;
    }
  | {
      /** The action settles with this status. */
      kind: "settled";
      status: "approved" | "modified" | "rejected";
      /** The approvals that settled it (approved, modified), or those made before a veto. */
      approvals: A[];
      /** The changes under review: the decision's `response_data` when `modified`. */
      proposedChanges: JsonObject | null;
    };

/** Whether `reviewer` is among `approvals`. */
export function hasApproved(approvals: readonly ApprovalLike[], reviewer: string): boolean {
  return approvals.some((a) => a.reviewer === reviewer);
}

/** How many approvals are still missing (0 when the count is reached). */
export function approvalsMissing(state: QuorumState<ApprovalLike>): number {
  return Math.max(0, state.requiredApprovals - state.approvals.length);
}

/** Applies one eligible reviewer's vote to a pending action's quorum state. */
export function castVote<A extends ApprovalLike>(
  state: QuorumState<A>,
  vote: QuorumVote<A>,
): QuorumOutcome<A> {
  if (vote.type === "reject") {
    return {
      kind: "settled",
      status: "rejected",
      approvals: [...state.approvals],
      proposedChanges: state.proposedChanges,
    };
  }
  let approvals: A[];
  let proposedChanges = state.proposedChanges;
  if (vote.type === "modify") {
    proposedChanges = { ...(state.proposedChanges ?? {}), ...(vote.responseData ?? {}) };
    approvals = [vote.approval];
  } else {
    if (hasApproved(state.approvals, vote.approval.reviewer)) return { kind: "already_approved" };
    approvals = [...state.approvals, vote.approval];
  }
  if (approvals.length < Math.max(1, state.requiredApprovals)) {
    return { kind: "recorded", approvals, proposedChanges };
  }
  return {
    kind: "settled",
    status: proposedChanges === null ? "approved" : "modified",
    approvals,
    proposedChanges,
  };
}
