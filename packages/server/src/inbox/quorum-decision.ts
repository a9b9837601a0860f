/**
 * @module inbox/quorum-decision
 * What one reviewer's decision does to a pending action, as a plan the action service then
 * applies with one conditional store change: core's quorum rule (`castVote`) over the
 * record's approvals, with the inbox's checks first (decision type allowed, `response_data`
 * only with `modify`, a modification valid against the arguments under review). Either the
 * action stays pending with the approval or modification recorded (`update`), or it settles
 * (`settle`: approved, modified or rejected).
 */
import type { JsonObject, protocol, TerminalStatus } from "@safeguards/core";
import {
  assertDecisionAllowed,
  castVote,
  applyModification as mergeChanges,
} from "@safeguards/core/internal";
import type { StoredRecord } from "../store/action-store.js";
import { InboxError } from "./inbox-error.js";
import { applyModification } from "./modification.js";

/** A stored record's decision. */
export type StoredDecision = NonNullable<StoredRecord["decision"]>;

/** The change a decision makes. */
export type DecisionPlan =
  | { kind: "update"; record: StoredRecord }
  | { kind: "settle"; status: TerminalStatus; decision: StoredDecision; record: StoredRecord };

/**
 * The record with the quorum fields an older stored record lacks, at their defaults (no
 * assignees, 1 approval required, none yet, no escalation, no changes).
 */
export function withQuorumDefaults(record: StoredRecord): StoredRecord {
  return {
    ...record,
    assignees: record.assignees ?? null,
    required_approvals: record.required_approvals ?? 1,
    approvals: record.approvals ?? [],
    escalation: record.escalation ?? null,
    escalations: record.escalations ?? [],
    proposed_changes: record.proposed_changes ?? null,
  };
}

/**
 * The record as reviewers are asked about it: `action.args` (or `metadata` without an
 * action) with the changes of earlier modifications applied.
 */
export function underReview(record: StoredRecord): StoredRecord {
  const changes = record.proposed_changes as JsonObject | null | undefined;
  if (!changes) return record;
  if (record.action) {
    const args = mergeChanges(record.action.args as JsonObject, changes);
    return { ...record, action: { ...record.action, args } };
  }
  return { ...record, metadata: mergeChanges(record.metadata as JsonObject, changes) };
}

/**
 * Plans `reviewer`'s decision `body` on the pending `record` (`decidedAt`: ISO time). Throws
 * {@link InboxError}: `decision_not_allowed`, `invalid_request` (data without `modify`),
 * `invalid_modification`, `already_approved`.
 */
export async function planDecision(
  stored: StoredRecord,
  reviewer: string,
  body: protocol.DecisionBody,
  decidedAt: string,
): Promise<DecisionPlan> {
  const record = withQuorumDefaults(stored);
  try {
    assertDecisionAllowed(record.allowed_decisions, body.type, `action ${record.id}`);
  } catch (error) {
    throw new InboxError("decision_not_allowed", (error as Error).message, {
      allowed_decisions: record.allowed_decisions,
    });
  }
  if (body.type !== "modify" && body.response_data && Object.keys(body.response_data).length) {
    throw new InboxError("invalid_request", "response_data is only allowed with type modify");
  }
  const responseData = body.response_data as JsonObject | undefined;
  if (body.type === "modify") await applyModification(underReview(record), responseData);
  const approval = { reviewer, decided_at: decidedAt, comments: body.comments ?? null };
  const outcome = castVote(
    {
      requiredApprovals: record.required_approvals ?? 1,
      approvals: record.approvals ?? [],
      proposedChanges: (record.proposed_changes ?? null) as JsonObject | null,
    },
    { type: body.type, approval, ...(responseData ? { responseData } : {}) },
  );
  if (outcome.kind === "already_approved") {
    throw new InboxError(
      "already_approved",
      `You have already approved action ${record.id}; it needs ${record.required_approvals} distinct approvals`,
      { approvals: record.approvals, required_approvals: record.required_approvals },
    );
  }
  const next: StoredRecord = {
    ...record,
    approvals: outcome.approvals,
    proposed_changes: outcome.proposedChanges,
  };
  if (outcome.kind === "recorded") return { kind: "update", record: next };
  const decision: StoredDecision = {
    type:
      outcome.status === "approved"
        ? "approve"
        : outcome.status === "modified"
          ? "modify"
          : "reject",
    response_data: outcome.status === "modified" ? outcome.proposedChanges : null,
    comments: body.comments ?? null,
    reviewer,
    decided_at: decidedAt,
    approvals: outcome.approvals,
  };
  return {
    kind: "settle",
    status: outcome.status,
    decision,
    record: { ...next, status: outcome.status, decision },
  };
}
