/**
 * @module action-decision
 * Turns a final {@link HumanAction} from the inbox into the resume value of its interrupt.
 */
import { ActionStatus, type HumanAction, type TimeoutFallback } from "@safeguards/core";
import type { SafeguardsDecision } from "./interop.js";

/**
 * The resume value for a decided action. A timeout becomes the policy's `onTimeout`
 * (rejection by default), a cancellation a rejection; an approval of arguments other than
 * the interrupt's (`sameArgs` false) is refused: the call does not run.
 */
export function actionToDecision(
  action: HumanAction,
  onTimeout: TimeoutFallback,
  sameArgs: boolean,
): SafeguardsDecision {
  const who = action.reviewer ? { reviewer: action.reviewer } : {};
  const why = action.comments ? { comments: action.comments } : {};
  if (!sameArgs) {
    return {
      type: "reject",
      comments: "The approved arguments differ from the ones the agent asked for; not run.",
    };
  }
  switch (action.status) {
    case ActionStatus.APPROVED:
      return { type: "approve", ...who, ...why };
    case ActionStatus.MODIFIED:
      return { type: "modify", responseData: action.responseData ?? {}, ...who, ...why };
    case ActionStatus.TIMED_OUT:
      return onTimeout === "approve"
        ? { type: "approve", timedOut: true }
        : { type: "reject", timedOut: true };
    case ActionStatus.CANCELLED:
      return { type: "reject", comments: "The approval request was cancelled." };
    default:
      return { type: "reject", ...who, ...why };
  }
}
