/**
 * @module auth/reviewer-gate
 * The one rights check of the inbox: every reviewer path (API tokens, web inbox, email
 * links, Slack buttons) reads, lists and decides through it. It decides only through
 * `ActionService.decide`, the inbox's one decision path, checking rights on the action that
 * decision reads (one store read per decision). An action the reviewer may not see is
 * answered exactly like a missing one (404 `not_found`, same message), so rights never
 * reveal which ids exist. An action the reviewer has rights to but is not an assignee of
 * (core's `isAssignee`: not named, in none of its groups, not escalated to yet) is 403
 * `forbidden` to read or decide, and left out of lists.
 */
import type { protocol } from "@safeguards/core";
import { isAssignee } from "@safeguards/core/internal";
import type { ActionService, DecisionGuard } from "../inbox/action-service.js";
import { InboxError } from "../inbox/inbox-error.js";
import type { ListPage, ListQuery, StoredAction, StoredRecord } from "../store/action-store.js";

/** Per-reviewer rights; without one, every reviewer sees and decides everything. */
export type ReviewerRights = (reviewer: string, record: StoredRecord) => boolean;

/** The groups of a reviewer (none for a name without an account). */
export type ReviewerGroups = (reviewer: string) => readonly string[] | undefined;

/** Reads, lists and decides actions on behalf of a named reviewer. */
export interface ReviewerGate {
  /** Whether `reviewer` may see and decide `record` (rights, and an assignee of it). */
  canSee(reviewer: string, record: StoredRecord): boolean;
  /** The action, or throws 404 `not_found` (unknown, or no right to it: the same answer). */
  view(reviewer: string, id: string): Promise<StoredAction>;
  /** A page of the actions the reviewer may see (a page may come out shorter than `limit`). */
  list(reviewer: string, query: ListQuery): Promise<ListPage>;
  /**
   * Decides through the action service, refusing with 404 (as for a missing action) when
   * the reviewer has no right to it; `guard` runs after that check, on the same read.
   */
  decide(
    reviewer: string,
    id: string,
    body: protocol.DecisionBody,
    guard?: DecisionGuard,
  ): Promise<StoredAction>;
}

/** The one refusal for a missing action and for one the reviewer may not see. */
export const notFound = (id: string) => new InboxError("not_found", `No action ${id}`);

/**
 * Creates a {@link ReviewerGate} over the service; `rights` absent = full access to every
 * agent and tool; `groupsOf` answers a reviewer's groups for `group:<name>` assignees.
 */
export function createReviewerGate(
  service: ActionService,
  rights?: ReviewerRights,
  groupsOf: ReviewerGroups = () => undefined,
): ReviewerGate {
  const hasRights = (reviewer: string, record: StoredRecord) => !rights || rights(reviewer, record);
  const assigned = (reviewer: string, record: StoredRecord) =>
    isAssignee({ name: reviewer, groups: groupsOf(reviewer) ?? [] }, record.assignees);
  const canSee = (reviewer: string, record: StoredRecord) =>
    hasRights(reviewer, record) && assigned(reviewer, record);
  const check = (reviewer: string, action: StoredAction) => {
    if (!hasRights(reviewer, action.record)) throw notFound(action.record.id);
    if (!assigned(reviewer, action.record)) {
      throw new InboxError(
        "forbidden",
        `You are not an assignee of action ${action.record.id} (not named, in none of its groups, not escalated to)`,
      );
    }
  };
  return {
    canSee,
    async view(reviewer, id) {
      const action = await service.get(id);
      if (!action) throw notFound(id);
      check(reviewer, action);
      return action;
    },
    async list(reviewer, query) {
      const page = await service.list(query);
      if (!rights) return page;
      return { ...page, actions: page.actions.filter((a) => canSee(reviewer, a.record)) };
    },
    decide(reviewer, id, body, guard) {
      return service.decide(id, reviewer, body, (action) => {
        check(reviewer, action);
        guard?.(action);
      });
    },
  };
}
