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
import type { GroupStats, StatsQuery } from "./action-stats.js";
import type {
  AgentTimeoutInput,
  AgentTimeoutResult,
  CallbackLeaseQuery,
  CallbackOutcome,
  CreateResult,
  DecisionsQuery,
  ListPage,
  ListQuery,
  NewAction,
  OldestPendingQuery,
  TransitionInput,
  TransitionResult,
  UpdateInput,
} from "./action-store-io.js";
import type { ReviewerStateStore } from "./reviewer-state.js";
import type { SlackMessageStore } from "./slack-message-store.js";
import type { AuditEntry, PendingCount, StoredAction } from "./stored-action.js";

export type * from "./action-store-io.js";
export type * from "./stored-action.js";

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
