/**
 * @module scripted-reviewer
 * A reviewer that decides in code through the InProcessApprovalChannel, so the example
 * runs without a person (CI). A timeout is produced by moving a manual clock past the
 * request's deadline, so it takes no real time.
 */
import type { InProcessApprovalChannel, ManualClock } from "@safeguards/core";

/** The four outcomes of the guide's Complete Example. */
export const OUTCOMES = ["approve", "modify", "reject", "timeout"] as const;

/** One of {@link OUTCOMES}. */
export type ScriptedOutcome = (typeof OUTCOMES)[number];

/** True when `value` names one of {@link OUTCOMES}. */
export function isScriptedOutcome(value: unknown): value is ScriptedOutcome {
  return OUTCOMES.includes(value as ScriptedOutcome);
}

/** Options of {@link scriptReviewer}. */
export interface ScriptedReviewerOptions {
  channel: InProcessApprovalChannel;
  /** The clock the handler and channel use; advanced past the deadline for "timeout". */
  clock: ManualClock;
  outcome: ScriptedOutcome;
  log: (line: string) => void;
  /** @default "scripted-reviewer" */
  reviewer?: string;
}

/** Decides every request filed on `channel` as `outcome`; returns the unsubscribe function. */
export function scriptReviewer(options: ScriptedReviewerOptions): () => void {
  const { channel, clock, outcome, log } = options;
  const reviewer = options.reviewer ?? "scripted-reviewer";
  return channel.onRequest((request) => {
    // Decide on a later turn of the event loop, as a person would.
    setImmediate(() => {
      switch (outcome) {
        case "approve":
          log(`Reviewer ${reviewer} approves ${request.id}`);
          channel.approve(request.id, { reviewer, comments: "Within the client's mandate" });
          break;
        case "modify":
          log(`Reviewer ${reviewer} changes the amount of ${request.id} to 1800.00`);
          channel.modify(
            request.id,
            { amount: "1800.00" },
            { reviewer, comments: "Approved up to 1800.00" },
          );
          break;
        case "reject":
          log(`Reviewer ${reviewer} rejects ${request.id}`);
          channel.reject(request.id, { reviewer, comments: "Exceeds the client's risk profile" });
          break;
        case "timeout": {
          const wait = request.expiresAt.getTime() - clock.now();
          log(`Reviewer ${reviewer} does not answer ${request.id}; ${wait / 1000} s pass`);
          clock.advance(wait);
          break;
        }
      }
    });
  });
}
