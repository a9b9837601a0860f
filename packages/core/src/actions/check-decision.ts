/**
 * @module check-decision
 * Whether a decision a channel delivers fits its action: the decision type must be allowed,
 * and a modification must be structured, change only existing fields, and leave arguments
 * that satisfy the action's `argsSchema`.
 */

import { ErrorCode, SafeguardsError } from "../errors.js";
import { ActionStatus, type DecisionType } from "./action-status.js";
import type { ApprovalDecision } from "./approval-request.js";
import type { HumanAction } from "./human-action.js";
import { assertValidModification } from "./modification.js";

const DECISION_FOR_STATUS: Partial<Record<ActionStatus, DecisionType>> = {
  approved: "approve",
  modified: "modify",
  rejected: "reject",
};

/** Throws (DECISION_NOT_ALLOWED or INVALID_MODIFICATION) when `decision` does not fit `action`. */
export function assertDecisionFits(action: HumanAction, decision: ApprovalDecision): void {
  const type = DECISION_FOR_STATUS[decision.status];
  if (type) assertDecisionAllowed(action.allowedDecisions, type, `action ${action.id}`);
  if (decision.status === ActionStatus.MODIFIED) {
    assertValidModification(action, decision.responseData);
  }
  if (type && type !== "reject") assertQuorumReached(action, decision);
}

/**
 * An approval settles an action only with `requiredApprovals` distinct approvers: a channel
 * that reports fewer (one that knows no quorum, say) is refused, so the action stays pending.
 */
function assertQuorumReached(action: HumanAction, decision: ApprovalDecision): void {
  if (action.requiredApprovals <= 1) return;
  const approvers = new Set((decision.approvals ?? []).map((a) => a.reviewer)).size;
  if (approvers >= action.requiredApprovals) return;
  throw new SafeguardsError(
    ErrorCode.DECISION_NOT_ALLOWED,
    `Action ${action.id} needs ${action.requiredApprovals} approvals from distinct reviewers; the channel reported ${approvers}, so the decision was refused`,
    { details: { requiredApprovals: action.requiredApprovals, approvals: approvers } },
  );
}

/**
 * The one "not allowed" rule of a decision, used by every channel, the inbox and both
 * adapters: throws DECISION_NOT_ALLOWED (details `{ type, allowedDecisions }`) unless `type`
 * is one of `allowed`. `subject` names what is decided ("action a_1", "tool call call_1").
 */
export function assertDecisionAllowed(
  allowed: readonly DecisionType[],
  type: string,
  subject: string,
): void {
  if ((allowed as readonly string[]).includes(type)) return;
  throw new SafeguardsError(
    ErrorCode.DECISION_NOT_ALLOWED,
    `Decision "${type}" is not allowed for ${subject} (allowed: ${allowed.join(", ") || "none"})`,
    { details: { type, allowedDecisions: [...allowed] } },
  );
}
