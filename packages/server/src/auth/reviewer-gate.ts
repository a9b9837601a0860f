/**
 * @module auth/reviewer-gate
 * The one rights check of the inbox: every reviewer path (API tokens, web inbox, email
 * links, Slack buttons) reads, lists and decides through it. It decides only through
 * `ActionService.decide`, the inbox's one decision path, checking rights on the action that
 * decision reads (one store read per decision). An action the reviewer may not see is
 * answered exactly like a missing one (404 `not_found`, same message), so rights never
 * reveal which ids exist. An action the reviewer has rights to but is not an assignee of
 * (core's `isAssignee`: not named, in none of its groups, not escalated to yet) is 403
 * `forbidden` to read or decide, and left out of lists. The same rule, over the whole set of
 * reviewers an inbox with accounts knows, refuses a new action whose quorum no set of them
 * could ever reach ({@link createQuorumCheck}).
 */
import type { protocol } from "@safeguards/core";
import { assigneesAfterEscalation, isAssignee } from "@safeguards/core/internal";
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

/** The eligibility rule of one inbox: rights, then core's `isAssignee` with the account's groups. */
function eligibility(rights: ReviewerRights | undefined, groupsOf: ReviewerGroups) {
  const hasRights = (reviewer: string, record: StoredRecord) => !rights || rights(reviewer, record);
  const assigned = (reviewer: string, assignees: readonly string[] | null | undefined) =>
    isAssignee({ name: reviewer, groups: groupsOf(reviewer) ?? [] }, assignees);
  return { hasRights, assigned };
}

/**
 * Creates a {@link ReviewerGate} over the service; `rights` absent = full access to every
 * agent and tool; `groupsOf` answers a reviewer's groups for `group:<name>` assignees.
 */
export function createReviewerGate(
  service: ActionService,
  rights?: ReviewerRights,
  groupsOf: ReviewerGroups = () => undefined,
): ReviewerGate {
  const { hasRights, assigned: assignedTo } = eligibility(rights, groupsOf);
  const assigned = (reviewer: string, record: StoredRecord) =>
    assignedTo(reviewer, record.assignees);
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
      return service.decide(id, reviewer, body, async (action) => {
        check(reviewer, action);
        await guard?.(action);
      });
    },
  };
}

/** What {@link createQuorumCheck} needs: the inbox's rights rule and every reviewer it knows. */
export interface QuorumCheckOptions {
  rights: ReviewerRights;
  groupsOf: ReviewerGroups;
  /** Every reviewer name that can decide in this inbox (accounts and plain reviewer tokens). */
  reviewers: readonly string[];
}

/**
 * Creates the check of a new pending record: throws 422 `quorum_unreachable` when fewer of
 * the known `reviewers` than its `required_approvals` may ever decide it (rights to its agent
 * and tool, and an assignee once every escalation step has added its entries). Only for an
 * inbox that knows all its reviewers (one with accounts).
 */
export function createQuorumCheck(options: QuorumCheckOptions): (record: StoredRecord) => void {
  const { hasRights, assigned } = eligibility(options.rights, options.groupsOf);
  return (record) => {
    const required = record.required_approvals ?? 1;
    const everyone = assigneesAfterEscalation(record.assignees, record.escalation);
    const eligible = new Set(
      options.reviewers.filter((name) => hasRights(name, record) && assigned(name, everyone)),
    );
    if (eligible.size >= required) return;
    const tool = record.action ? ` and tool "${record.action.name}"` : "";
    throw new InboxError(
      "quorum_unreachable",
      `Action ${record.id} needs ${required} distinct approval${required === 1 ? "" : "s"}, but only ${eligible.size} reviewer${eligible.size === 1 ? "" : "s"} of this inbox may ever decide it (rights to agent "${record.agent_id}"${tool}, among the assignees, escalation steps included); nothing was stored. Lower required_approvals, name more assignees, or give more reviewers rights`,
      { required_approvals: required, eligible_reviewers: eligible.size },
    );
  };
}
