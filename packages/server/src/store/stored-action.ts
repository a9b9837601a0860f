/**
 * @module store/stored-action
 * What an {@link ActionStore} holds: the stored record and action, the groups its pending
 * counts are kept by, and the entries of its append-only audit log.
 */
import type { protocol } from "@safeguards/core";
import type { ActionStore } from "./action-store.js";

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
