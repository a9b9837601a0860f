/**
 * @module check-decision
 * Whether a decision a channel delivers fits its action: the decision type must be allowed,
 * and a modification must be structured, change only existing fields, and leave arguments
 * that satisfy the action's `argsSchema`.
 */
import type { ApprovalDecision } from "../channels/approval-channel.js";
import { ErrorCode, SafeguardsError } from "../errors.js";
import { ActionStatus, type DecisionType } from "./action-status.js";
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
  if (type && !action.allowedDecisions.includes(type)) {
    throw new SafeguardsError(
      ErrorCode.DECISION_NOT_ALLOWED,
      `Decision "${type}" is not allowed for action ${action.id}`,
    );
  }
  if (decision.status === ActionStatus.MODIFIED) {
    assertValidModification(action, decision.responseData);
  }
}
