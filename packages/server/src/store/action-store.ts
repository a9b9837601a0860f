/**
 * @module store/action-store
 * The storage contract of the inbox. Every implementation (memory, SQLite, PostgreSQL) gives
 * the same guarantees:
 *
 * - every state change is atomic and durable before it is answered: the record, its decision
 *   sequence number and its audit entry are written together or not at all (one transaction,
 *   or one atomic statement or savepoint of a group-committed transaction shared with other
 *   concurrent changes, as the SQLite store does);
 * - the first terminal transition wins: a transition only applies to a `pending` action
 *   (`UPDATE ... WHERE status = 'pending'`), so concurrent decisions, cancellations and
 *   expiry have exactly one winner, even across processes sharing one database;
 * - each terminal transition takes the next value of a database-wide, monotonically
 *   increasing decision sequence, which is the `/decisions` cursor (nothing about it lives
 *   in process memory);
 * - the audit log is append-only and records every transition with actor and time;
 * - a terminal transition of an action with a `callback_url` marks its callback pending, in
 *   the same transaction, until the inbox records it delivered or given up, so callbacks
 *   still owed survive a restart of the inbox;
 * - an owed callback is sent by the instance holding its lease (`leaseCallbacks`): a lease is
 *   taken atomically and only when the callback has none or its lease has expired, so two live
 *   instances never hold the same one, and a dead instance's leases lapse for others to take.
 * - a pending action's record changes only through {@link ActionStore.update} (an approval
 *   recorded, a modification, an escalation step), each one compare-and-set on the action's
 *   `revision` with its audit entry in the same transaction, so concurrent changes never
 *   overwrite each other: one applies, the others are told `stale` and read again.
 */
import type { protocol, TerminalStatus } from "@safeguards/core";
import type { GroupStats, StatsQuery } from "./action-stats.js";
import type { ReviewerStateStore } from "./reviewer-state.js";
import type { SlackMessageStore } from "./slack-message-store.js";

/**
 * An action record as stored: the wire record without `review_url`, plus the W3C
 * `traceparent` of the agent's filing when it sent one (kept in the record, never answered on
 * the wire), so the decision and the callback join the agent's trace.
 */
export type StoredRecord = Omit<protocol.ActionRecord, "review_url"> & { traceparent?: string };

/** One stored action: its record plus what the inbox needs besides it. */
export interface StoredAction {
  record: StoredRecord;
  /** Canonical hash of the request body that created it (idempotency check). */
  requestHash: string;
  /** Where to POST the decision, if the agent asked for a callback. */
  callbackUrl: string | null;
  /** Position in the decision sequence once terminal, else `null`. */
  decisionSeq: number | null;
  /** How many times {@link ActionStore.update} changed the pending record (0 when filed). */
  revision: number;
}

/** Input of {@link ActionStore.create}. */
export interface NewAction {
  /** The pending record to store. */
  record: StoredRecord;
  requestHash: string;
  callbackUrl: string | null;
  /** Who filed it (for the audit log), e.g. `agent:financial_advisor`. */
  actor: string;
  /** ISO 8601 time it was received (for the audit log). */
  at: string;
  /**
   * When set, the action is stored only while its agent has fewer pending actions than this,
   * checked atomically with the insert (concurrent filings cannot overshoot it).
   */
  maxPending?: number;
}

/** Answer of {@link ActionStore.create}. */
export type CreateResult =
  | {
      /** `false` when an action with that id already existed (nothing was written). */
      created: boolean;
      action: StoredAction;
      refused?: undefined;
    }
  | {
      created: false;
      /** The agent already had `maxPending` pending actions: nothing was written. */
      refused: "too_many_pending";
      action?: undefined;
    };

/** Input of {@link ActionStore.transition}. */
export interface TransitionInput {
  id: string;
  status: TerminalStatus;
  decision: NonNullable<StoredRecord["decision"]>;
  /** Who caused it, e.g. `reviewer:alice`, `agent:bot`, `system:expiry`. */
  actor: string;
  /** ISO 8601 time of the transition (for the audit log). */
  at: string;
  /**
   * When set (ms since the epoch), the transition applies only while the action has not
   * expired at that instant (`expires_at > notExpiredAt`). Reviewer decisions and
   * cancellations set it, so they can never beat an expiry that is already due.
   */
  notExpiredAt?: number;
  /**
   * The record after the transition (`status` and `decision` set), built from the pending
   * record the caller has just read. A pending record never changes apart from those two
   * fields, and the transition only applies while pending, so a store may write this
   * instead of reading the row again. With `revision` a store must write it.
   */
  record?: StoredRecord;
  /**
   * When set, the transition applies only while the stored revision equals it (refused
   * `stale` otherwise): a settling approval counts the approvals it read, nothing newer.
   */
  revision?: number;
}

/**
 * Input of {@link ActionStore.update}: a change of a pending action that keeps it pending
 * (an approval recorded, a modification, an escalation step applied).
 */
export interface UpdateInput {
  id: string;
  /** The whole record after the change (`status` stays `pending`). */
  record: StoredRecord;
  /** The revision the change was computed from; it applies only while it is still current. */
  revision: number;
  /** Who caused it, e.g. `reviewer:alice`, `system:escalation` (for the audit log). */
  actor: string;
  /** ISO 8601 time of the change (for the audit log). */
  at: string;
  /** As for {@link TransitionInput.notExpiredAt}. */
  notExpiredAt?: number;
}

/** How delivering a decided action's callback ended. */
export type CallbackOutcome = "delivered" | "failed";

/** Query of {@link ActionStore.leaseCallbacks}. */
export interface CallbackLeaseQuery {
  /** Who takes the leases: one id per inbox instance. */
  owner: string;
  /** Now (ms since the epoch): a lease ending at or before it has expired. */
  nowMs: number;
  /** When the leases taken end unless renewed (ms since the epoch). */
  untilMs: number;
  limit: number;
  /** Only this action's callback (the deciding instance leasing what it just decided). */
  actionId?: string;
}

/** Why {@link ActionStore.transition} did not apply. */
export type TransitionRefusal = "not_found" | "not_pending" | "expired" | "stale";

/** Answer of {@link ActionStore.transition}. */
export type TransitionResult =
  | { ok: true; action: StoredAction }
  | { ok: false; reason: TransitionRefusal; action?: StoredAction };

/** Query of {@link ActionStore.list}: newest first. */
export interface ListQuery {
  /** One status, or `"decided"` for every terminal one. */
  status?: protocol.ActionRecord["status"] | "decided";
  agentId?: string;
  limit: number;
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor?: string;
}

/** One page of {@link ActionStore.list}. */
export interface ListPage {
  actions: StoredAction[];
  nextCursor: string | null;
}

/**
 * Actions of one agent, tool, severity and assignee list: everything the rights check of a
 * reviewer reads, so grouped numbers can be filtered without the records.
 */
export interface ActionGroup {
  agentId: string;
  /** `action.name`, `null` for an action without a tool. */
  tool: string | null;
  severity: protocol.ActionRecord["severity"];
  /** The current `assignees` of these actions; absent when they have none (everyone). */
  assignees?: string[];
}

/** Pending actions of one {@link ActionGroup} (see {@link ActionStore.pendingCounts}). */
export interface PendingCount extends ActionGroup {
  count: number;
}

/** Query of {@link ActionStore.oldestPending}. */
export interface OldestPendingQuery {
  limit: number;
  /** Answer only actions after this one in `(created_at, id)` order (the last of a page). */
  after?: { createdMs: number; id: string };
}

/** Query of {@link ActionStore.decisionsSince}. */
export interface DecisionsQuery {
  agentId: string;
  /** Answer decisions whose sequence number is greater than this. */
  after: number;
  limit: number;
}

/** One entry of the append-only audit log. */
export interface AuditEntry {
  seq: number;
  actionId: string;
  /** `null` for the creation. */
  fromStatus: protocol.ActionRecord["status"] | null;
  toStatus: protocol.ActionRecord["status"];
  actor: string;
  /** ISO 8601 time of the transition. */
  at: string;
  /**
   * What happened when it is not a status change (`fromStatus` = `toStatus`):
   * `agent_timeout`, the agent reported that it timed out locally and did not act on the
   * decision. Absent for transitions.
   */
  event?: AuditEvent;
}

/** Audit entries that are not status changes. */
export type AuditEvent = "agent_timeout";

/** Input of {@link ActionStore.recordAgentTimeout}. */
export interface AgentTimeoutInput {
  id: string;
  /** The reporting agent: another agent's action is `not_found`. */
  agentId: string;
  /** ISO 8601 time the agent's own deadline passed. */
  timedOutAt: string;
  /** ISO 8601 time of the report (the audit entry's time). */
  at: string;
}

/** Answer of {@link ActionStore.recordAgentTimeout}. */
export type AgentTimeoutResult =
  | {
      ok: true;
      /** `false` when the same report was already recorded (nothing written). */
      recorded: boolean;
      action: StoredAction;
    }
  | {
      ok: false;
      /**
       * `still_pending`: nothing to report on yet; `conflict`: another time was already
       * reported (the record keeps the first).
       */
      reason: "not_found" | "still_pending" | "conflict";
      action?: StoredAction;
    };

/**
 * Persistence of actions, decisions and the audit log. All methods are async so that
 * network databases fit the same contract.
 */
export interface ActionStore {
  /** Creates tables/indexes if needed; idempotent; called once before use. */
  init(): Promise<void>;
  /**
   * Inserts a pending action and its `created` audit entry, or, when the id exists,
   * answers the existing action with `created: false` and writes nothing. With
   * `maxPending`, a new id is refused (`refused: "too_many_pending"`, nothing written) when
   * the agent already has that many pending actions; the count and the insert are atomic.
   */
  create(input: NewAction): Promise<CreateResult>;
  /** The action with that id. */
  get(id: string): Promise<StoredAction | undefined>;
  /** A page of actions, newest first. */
  list(query: ListQuery): Promise<ListPage>;
  /**
   * How many actions are pending, per agent, tool, severity and assignee list (the web
   * inbox's true counts, without reading the records).
   */
  pendingCounts(): Promise<PendingCount[]>;
  /**
   * The analytics numbers of `[sinceMs, untilMs)` per {@link ActionGroup} (see
   * `action-stats.ts`), computed by grouped queries over indexed columns, never by reading
   * every record. Throws a `RangeError` for a malformed query.
   */
  stats(query: StatsQuery): Promise<GroupStats[]>;
  /**
   * Pending actions, longest-waiting first (`created_at`, then id), a page at a time from an
   * index (the caller filters by rights and reads on while it needs more).
   */
  oldestPending(query: OldestPendingQuery): Promise<StoredAction[]>;
  /**
   * Moves a pending action to a terminal status, assigns the next decision sequence number
   * and appends the audit entry, in one transaction, conditional on `status = 'pending'`.
   */
  transition(input: TransitionInput): Promise<TransitionResult>;
  /**
   * Changes a pending action's record and appends its audit entry (`pending` -> `pending`)
   * in one transaction, conditional on `status = 'pending'`, on `revision` being current
   * (else `stale`, with the current action) and on `notExpiredAt`; the revision then grows
   * by one. The store derives when the next escalation step is due from the record
   * (`nextEscalationMs`).
   */
  update(input: UpdateInput): Promise<TransitionResult>;
  /** Ids of pending actions whose next escalation step is due at or before `nowMs`, soonest first. */
  dueForEscalation(nowMs: number, limit: number): Promise<string[]>;
  /** When the earliest escalation step of any pending action is due (ms), or `null`. */
  nextEscalation(): Promise<number | null>;
  /** Terminal actions of one agent with a decision sequence after `after`, oldest first. */
  decisionsSince(query: DecisionsQuery): Promise<StoredAction[]>;
  /**
   * The highest decision sequence number of one agent's actions (0 when none is decided):
   * the `/decisions?since=now` cursor. Every later decision of that agent gets a higher one.
   */
  latestDecisionSeq(agentId: string): Promise<number>;
  /** Ids of pending actions whose `expires_at` is at or before `nowMs`, soonest first. */
  dueForExpiry(nowMs: number, limit: number): Promise<string[]>;
  /** The earliest `expires_at` (ms) of any pending action, or `null`. */
  nextExpiry(): Promise<number | null>;
  /** The audit trail of one action, oldest first. */
  auditLog(actionId: string): Promise<AuditEntry[]>;
  /**
   * Decided actions whose callback is still owed (marked pending by their transition and not
   * settled since), oldest decision first.
   */
  pendingCallbacks(limit: number): Promise<StoredAction[]>;
  /** Records that the callback of a decided action was delivered or given up. */
  settleCallback(actionId: string, outcome: CallbackOutcome): Promise<void>;
  /**
   * The Slack messages of actions, kept in the same database on the same connections
   * (several instances sharing it update each message once). Optional for stores written
   * outside this package: without it the inbox keeps them in process memory.
   */
  slackMessages?(): SlackMessageStore;
  /**
   * Leases owed callbacks to `owner` until `untilMs`, atomically (across processes sharing the
   * database): only those without a lease or whose lease ended at or before `nowMs`. Answers
   * the ones leased now, oldest decision first; one leased by anyone (even `owner`) and not
   * expired is not answered again.
   */
  leaseCallbacks(query: CallbackLeaseQuery): Promise<StoredAction[]>;
  /** Extends `owner`'s leases of callbacks still owed to `untilMs`; answers how many. */
  renewCallbackLeases(owner: string, untilMs: number): Promise<number>;
  /** Ends `owner`'s leases of callbacks still owed, so another instance takes them at once. */
  releaseCallbackLeases(owner: string): Promise<void>;
  /**
   * Records on a terminal action that its agent timed out locally (`record.agent_timeout`)
   * and appends an `agent_timeout` audit entry, atomically and once: the same report again
   * writes nothing, another time is a `conflict`.
   */
  recordAgentTimeout(input: AgentTimeoutInput): Promise<AgentTimeoutResult>;
  /** Releases resources (connections, file handles). */
  close(): Promise<void>;
  /**
   * The reviewer state kept in the same database (sessions, email-link tokens, sign-in
   * counters), so that instances sharing the database share it too. A store without one
   * gets a memory one per inbox.
   */
  reviewerState?: ReviewerStateStore;
}

/** The owed-callback part of {@link ActionStore} (one file per SQL store implements it). */
export type CallbackState = Pick<
  ActionStore,
  | "pendingCallbacks"
  | "settleCallback"
  | "leaseCallbacks"
  | "renewCallbackLeases"
  | "releaseCallbackLeases"
>;
