/**
 * @module action-decision
 * Turns a final {@link HumanAction} from the inbox into the resume value of its interrupt,
 * in Safeguards' own decision shape (`modify` carries only the changed fields).
 */
import { ActionStatus, type HumanAction, type JsonObject } from "@safeguards/core";

/** The resume value a decided action becomes (Safeguards' own decision shape). */
export interface ActionDecision {
  type: "approve" | "modify" | "reject" | "timed_out";
  responseData?: JsonObject;
  comments?: string;
  reviewer?: string;
  /** The hash of the arguments the reviewer saw; the interrupt refuses other arguments. */
  argsHash?: string;
  /** Who approved (the inbox's `decision.approvals`), for calls that need several approvals. */
  approvals?: string[];
}

/**
 * The resume value for a decided action. A timeout becomes `timed_out` (the interrupt applies
 * the policy's `onTimeout`), a cancellation a rejection.
 */
export function actionToDecision(action: HumanAction): ActionDecision {
  const who = action.reviewer ? { reviewer: action.reviewer } : {};
  const why = action.comments ? { comments: action.comments } : {};
  const hash = action.argsHash ? { argsHash: action.argsHash } : {};
  const approvals = action.approvals.length > 0 ? { approvals: approvers(action) } : {};
  switch (action.status) {
    case ActionStatus.APPROVED:
      return { type: "approve", ...who, ...why, ...hash, ...approvals };
    case ActionStatus.MODIFIED:
      return {
        type: "modify",
        responseData: action.responseData ?? {},
        ...who,
        ...why,
        ...hash,
        ...approvals,
      };
    case ActionStatus.TIMED_OUT:
      return { type: "timed_out" };
    case ActionStatus.CANCELLED:
      return { type: "reject", comments: "The approval request was cancelled." };
    default:
      return { type: "reject", ...who, ...why, ...hash };
  }
}

/** The distinct names of who approved, in order. */
function approvers(action: HumanAction): string[] {
  return [...new Set(action.approvals.map((a) => a.reviewer))];
}
