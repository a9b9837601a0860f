/**
 * @module interrupts/review-outcome
 * What becomes of one reviewed call: it runs (as asked, or with the reviewer's arguments) or
 * it does not, with the reason the model reads. One text per outcome for every adapter.
 */
import type { JsonObject } from "../util/json.js";
import type { CallUnderReview, ReviewDecision } from "./review-decision.js";

/** What became of one reviewed call. */
export interface ReviewOutcome {
  toolCallId: string;
  name: string;
  decision: "approved" | "modified" | "rejected" | "timed_out";
  /** The arguments the call runs with (approved and modified calls). */
  args?: JsonObject;
  /** Why the call did not run (rejected, timed out). */
  reason?: string;
  reviewer?: string;
  comments?: string;
}

/**
 * The outcome of `decision` for `call`. A timeout runs the call only when the policy says
 * `onTimeout: "approve"` and the call's deadline has passed; otherwise it is not run.
 */
export function reviewOutcome(
  decision: ReviewDecision,
  call: Pick<CallUnderReview, "toolCallId" | "name" | "args" | "onTimeout" | "deadline">,
  now: Date = new Date(),
): ReviewOutcome {
  const base = { toolCallId: call.toolCallId, name: call.name };
  const who = "reviewer" in decision && decision.reviewer ? { reviewer: decision.reviewer } : {};
  switch (decision.type) {
    case "approve":
      return {
        ...base,
        decision: "approved",
        args: call.args,
        ...who,
        ...(decision.comments !== undefined ? { comments: decision.comments } : {}),
      };
    case "modify":
      return {
        ...base,
        decision: "modified",
        args: decision.args,
        ...who,
        ...(decision.comments !== undefined ? { comments: decision.comments } : {}),
      };
    case "timed_out": {
      const due = call.deadline !== undefined && now.getTime() >= call.deadline.getTime();
      if (call.onTimeout === "approve" && due) {
        return { ...base, decision: "approved", args: call.args, comments: "approved on timeout" };
      }
      const partial = { ...base, decision: "timed_out" } as const;
      return { ...partial, reason: notRunReason(partial) };
    }
    default: {
      const partial = {
        ...base,
        decision: "rejected",
        ...who,
        ...(decision.reason !== undefined ? { comments: decision.reason } : {}),
      } as const;
      return { ...partial, reason: notRunReason(partial) };
    }
  }
}

/** The text the model reads when a call was not run. */
export function notRunReason(
  outcome: Pick<ReviewOutcome, "decision" | "reviewer" | "comments">,
): string {
  if (outcome.decision === "timed_out") return "No human decided in time, so the call was not run.";
  const who = outcome.reviewer ? ` (${outcome.reviewer})` : "";
  const why = (outcome.comments ?? "no reason given").replace(/[.\s]+$/, "");
  return `A human reviewer rejected this call${who}: ${why}. The call was not run.`;
}

/** The note the model reads when a reviewer changed the arguments before the call ran. */
export function modificationNote(
  original: JsonObject,
  approved: JsonObject,
  review: { reviewer?: string | null | undefined; comments?: string | null | undefined } = {},
): string {
  const keys = new Set([...Object.keys(original), ...Object.keys(approved)]);
  const changes = [...keys]
    .filter((k) => JSON.stringify(original[k]) !== JSON.stringify(approved[k]))
    .map((k) => `${k}: ${JSON.stringify(original[k])} -> ${JSON.stringify(approved[k])}`);
  const who = review.reviewer ? ` (${review.reviewer})` : "";
  const why = review.comments ? ` Reviewer's comment: ${review.comments}` : "";
  return `[A human reviewer${who} changed the arguments before this call ran: ${changes.join(", ") || "no visible change"}.${why}]`;
}
