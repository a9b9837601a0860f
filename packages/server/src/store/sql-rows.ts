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
  TransitionResult,
} from "./action-store.js";
import { nextEscalationMs } from "./next-escalation.js";

/** A row of `actions` (the columns the stores select). */
export interface ActionRow {
  seq: number | string;
  record: string;
  request_hash: string;
  callback_url: string | null;
  decision_seq: number | string | null;
  revision: number | string;
}

/** The columns of `actions` that {@link actionFromRow} reads. */
export const ACTION_COLUMNS = "seq, record, request_hash, callback_url, decision_seq, revision";

/** A row of `audit_log`. */
export interface AuditRow {
  seq: number | string;
  action_id: string;
  from_status: string | null;
  to_status: string;
  actor: string;
  at: string;
}

/** The stored action a row holds. */
export function actionFromRow(row: ActionRow): StoredAction {
  return {
    record: JSON.parse(row.record) as StoredRecord,
    requestHash: row.request_hash,
    callbackUrl: row.callback_url,
    decisionSeq: row.decision_seq === null ? null : Number(row.decision_seq),
    revision: Number(row.revision),
  };
}

/** What a conditional change's `RETURNING` clause answers. */
export interface ChangedRow {
  request_hash: string;
  callback_url: string | null;
  revision: number | string;
  decision_seq?: number | string | null;
}

/** The successful answer of a change that wrote `record` and returned `row`. */
export function changedAction(record: StoredRecord, row: ChangedRow): TransitionResult {
  const seq = row.decision_seq;
  return {
    ok: true,
    action: {
      record,
      requestHash: row.request_hash,
      callbackUrl: row.callback_url,
      decisionSeq: seq === null || seq === undefined ? null : Number(seq),
      revision: Number(row.revision),
    },
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
  };
}

/**
 * The values of a filing, in the column order both SQL stores insert: id, agent_id, status,
 * expires_ms, request_hash, callback_url, record (JSON), actor, at, escalate_ms.
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
    nextEscalationMs(r),
  ] as [
    string,
    string,
    string,
    number,
    string,
    string | null,
    string,
    string,
    string,
    number | null,
  ];
}

/** A row of the pending-counts query. */
export interface CountRow {
  agent_id: string;
  tool: string | null;
  severity: string;
  /** The JSON text of the record's `assignees` (`NULL` when none). */
  assignees: string | null;
  n: number | string;
}

/** The {@link PendingCount} a row holds. */
export function countFromRow(row: CountRow): PendingCount {
  return {
    agentId: row.agent_id,
    tool: row.tool,
    severity: row.severity as PendingCount["severity"],
    ...(row.assignees ? { assignees: JSON.parse(row.assignees) as string[] } : {}),
    count: Number(row.n),
  };
}
