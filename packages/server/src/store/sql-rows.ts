/**
 * @module store/sql-rows
 * Rows of the `actions` and `audit_log` tables, as the SQL stores (SQLite, PostgreSQL)
 * read them, and their mapping to the store's types. PostgreSQL answers BIGINT columns as
 * strings, SQLite as numbers: both are accepted.
 */
import type {
  AuditEntry,
  NewAction,
  PendingCount,
  StoredAction,
  StoredRecord,
} from "./action-store.js";

/** A row of `actions` (the columns the stores select). */
export interface ActionRow {
  seq: number | string;
  record: string;
  request_hash: string;
  callback_url: string | null;
  decision_seq: number | string | null;
}

/** A row of `audit_log`. */
export interface AuditRow {
  seq: number | string;
  action_id: string;
  from_status: string | null;
  to_status: string;
  actor: string;
  at: string;
  /** Null for transitions (and absent from rows written before the column existed). */
  event?: string | null;
}

/** The stored action a row holds. */
export function actionFromRow(row: ActionRow): StoredAction {
  return {
    record: JSON.parse(row.record) as StoredRecord,
    requestHash: row.request_hash,
    callbackUrl: row.callback_url,
    decisionSeq: row.decision_seq === null ? null : Number(row.decision_seq),
  };
}

/** The audit entry a row holds. */
export function auditEntryFromRow(row: AuditRow): AuditEntry {
  return {
    seq: Number(row.seq),
    actionId: row.action_id,
    fromStatus: row.from_status as AuditEntry["fromStatus"],
    toStatus: row.to_status as AuditEntry["toStatus"],
    actor: row.actor,
    at: row.at,
    ...(row.event ? { event: row.event as AuditEntry["event"] & string } : {}),
  };
}

/**
 * The values of a filing, in the column order both SQL stores insert: id, agent_id, status,
 * expires_ms, request_hash, callback_url, record (JSON), actor, at.
 */
export function insertValues(input: NewAction) {
  const r = input.record;
  return [
    r.id,
    r.agent_id,
    r.status,
    Date.parse(r.expires_at),
    input.requestHash,
    input.callbackUrl,
    JSON.stringify(r),
    input.actor,
    input.at,
  ] as [string, string, string, number, string, string | null, string, string, string];
}

/** A row of the pending-counts query. */
export interface CountRow {
  agent_id: string;
  tool: string | null;
  severity: string;
  n: number | string;
}

/** The {@link PendingCount} a row holds. */
export function countFromRow(row: CountRow): PendingCount {
  return {
    agentId: row.agent_id,
    tool: row.tool,
    severity: row.severity as PendingCount["severity"],
    count: Number(row.n),
  };
}

/** Sorts stored actions oldest decision first (`RETURNING` promises no order). */
export const byDecisionSeq = (a: StoredAction, b: StoredAction) =>
  (a.decisionSeq ?? 0) - (b.decisionSeq ?? 0);
