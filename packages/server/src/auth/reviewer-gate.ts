/**
 * @module auth/reviewer-gate
 * The rights check in front of the action service: every reviewer path (web inbox, email
 * links, Slack buttons) reads and decides through it, and it decides only through
 * `ActionService.decide`, the inbox's one decision path.
 */
import type { protocol } from "@safeguards/core";
import type { ActionService } from "../inbox/action-service.js";
import { InboxError } from "../inbox/inbox-error.js";
import type { StoredAction } from "../store/action-store.js";
import type { ReviewerDirectory } from "./reviewer-directory.js";

/** Reads and decides actions on behalf of a named reviewer. */
export interface ReviewerGate {
  /** The action, or throws 404 (unknown) / 403 (no right to it). */
  view(reviewer: string, id: string): Promise<StoredAction>;
  /** Decides through the action service after the rights check. */
  decide(reviewer: string, id: string, body: protocol.DecisionBody): Promise<StoredAction>;
}

/** Creates a {@link ReviewerGate}. */
export function createReviewerGate(
  service: ActionService,
  directory: ReviewerDirectory,
): ReviewerGate {
  const view = async (reviewer: string, id: string) => {
    const action = await service.get(id);
    if (!action) throw new InboxError("not_found", `No action ${id}`);
    if (!directory.canAccess(reviewer, action.record)) {
      throw new InboxError("forbidden", `Reviewer ${reviewer} has no right to action ${id}`);
    }
    return action;
  };
  return {
    view,
    async decide(reviewer, id, body) {
      await view(reviewer, id);
      return service.decide(id, reviewer, body);
    },
  };
}
