/**
 * @module store/action-store-io
 * The inputs, queries and answers of the {@link ActionStore} methods (what each call asks
 * for and what it may be told).
 */
import type { protocol, TerminalStatus } from "@safeguards/core";
import type { ActionStore } from "./action-store.js";
import type { StoredAction, StoredRecord } from "./stored-action.js";

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
