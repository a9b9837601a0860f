/**
 * @module resolve-outcome
 * Turns a final {@link HumanAction} into what an adapter does with the tool call:
 * run it with exactly the approved (or modified) arguments, or do not run it.
 */
import { ActionStatus } from "../actions/action-status.js";
import type { HumanAction } from "../actions/human-action.js";
import { hashArgs, type JsonObject } from "../util/json.js";
import type { TimeoutFallback } from "./define-policies.js";

/** What to do with a tool call after its human decision. */
export type CallOutcome =
  | { run: true; args: JsonObject; modified: boolean; action: HumanAction }
  | { run: false; status: ActionStatus; reason: string; action: HumanAction };

/**
 * Decides whether and how a guarded call runs.
 * - APPROVED: runs with `originalArgs`, only if their hash is the one that was approved.
 * - MODIFIED: runs with the original arguments merged with the reviewer's fields (validate
 *   them against the tool's schema before running).
 * - TIMED_OUT: `onTimeout` ("reject" by default; "approve" runs the original arguments).
 * - REJECTED / CANCELLED / PENDING: does not run; `reason` says why.
 */
export function resolveOutcome(
  action: HumanAction,
  originalArgs: JsonObject,
  options: { onTimeout?: TimeoutFallback } = {},
): CallOutcome {
  const approvedHash = action.argsHash;
  const sameArgs = approvedHash !== undefined && hashArgs(originalArgs) === approvedHash;
  const refuse = (reason: string): CallOutcome => ({
    run: false,
    status: action.status,
    reason,
    action,
  });
  switch (action.status) {
    case ActionStatus.APPROVED:
      if (!sameArgs) return refuse("The arguments differ from the ones a human approved; not run.");
      return { run: true, args: structuredClone(originalArgs), modified: false, action };
    case ActionStatus.MODIFIED: {
      if (!sameArgs) return refuse("The arguments differ from the ones a human reviewed; not run.");
      const changes = action.responseData ?? {};
      return {
        run: true,
        args: { ...structuredClone(originalArgs), ...structuredClone(changes) },
        modified: true,
        action,
      };
    }
    case ActionStatus.TIMED_OUT:
      if (options.onTimeout === "approve" && sameArgs) {
        return { run: true, args: structuredClone(originalArgs), modified: false, action };
      }
      return refuse("No human decided in time, so the call was not run.");
    case ActionStatus.REJECTED:
      return refuse(
        `A human reviewer rejected this call${action.reviewer ? ` (${action.reviewer})` : ""}: ${action.comments ?? "no reason given"}`,
      );
    case ActionStatus.CANCELLED:
      return refuse("The approval request was cancelled, so the call was not run.");
    default:
      return refuse("The call is still waiting for a human decision; not run.");
  }
}
