/**
 * @module store/sqlite-schema
 * Schema (version 9) of the SQLite store, and the migration of older files to it.
 *
 * Every state change of an action is ONE statement: the `INSERT` or `UPDATE` of the
 * `actions` row names its actor and time (`changed_by`, `changed_at`), and triggers append
 * the audit entry from them inside that same statement. A statement is atomic in SQLite
 * (its trigger's insert included), so a change and its audit entry are written together or
 * not at all without a savepoint per change. The audit log is made append-only by triggers.
 * Statements that change `status` MUST set `changed_by` and `changed_at` (otherwise the
 * trigger would copy the previous change's values; `actor` is NOT NULL, so an insert
 * without them fails).
 *
 * Version 9 (from 8): the analytics columns (`action-stats.ts`): `created_ms`, `decided_ms`
 * (when a terminal action ended), `group_key` (agent, tool, severity, assignees as JSON) and
 * `escalated_ms` (the latest escalation step) and `decision_bucket` (the decision-time bucket
 * of a reviewer's decision), backfilled from the records, with their
 * indexes (`sqlite-stats.ts` reads them), and the daily rollup `action_stats_daily` with the
 * triggers that keep it (`sqlite-stats-daily.ts`), backfilled from them.
 *
 * Version 8 (from 7): `revision` (compare-and-set of a pending record's changes: approvals,
 * modifications, escalation steps) and `escalate_ms` (when the next escalation step is
 * due, indexed over pending actions).
 *
 * Version 7 (from 6): `audit_log.event`, set for entries that are not status changes
 * (`agent_timeout`, written by the store itself, not by a trigger).
 *
 * Version 6 (from 5): `callback_lease_owner` and `callback_lease_until` (ms), the lease an
 * inbox instance holds on an owed callback while it sends it (`leaseCallbacks`).
 *
 * Version 5 (from 4): the reviewer state (`sqlite-reviewer-state.ts`): revoked sessions,
 * per-reviewer session cut-offs and credential fingerprints, used email-link tokens and
 * sign-in failure counters, each with its expiry (indexed, for the purge).
 *
 * Version 4 (from 3): `slack_messages`, where each action's Slack message was posted, so a
 * decision made after a restart still updates it.
 *
 * Version 3 (from 2): `callback_state`, set to `'pending'` by the decision of an action with
 * a callback URL (in the same statement) and to `'delivered'` or `'failed'` when delivery
 * ends, so callbacks still owed are sent again after a restart.
 *
 * Version 2 (from 1): audit entries written by triggers; the `(status, seq)` index replaced
 * by a partial index of pending actions (listing pending stays indexed; every decision
 * no longer rewrites an index entry); new files use `INTEGER PRIMARY KEY` without
 * `AUTOINCREMENT` (rows are never deleted, so ids still only grow; a migrated file keeps
 * its `AUTOINCREMENT`, which behaves the same).
 */
import { InvalidConfigError } from "@safeguards/core";
import type Database from "better-sqlite3";
import { decisionBucketSql, REVIEWER_DECISIONS } from "./action-stats.js";
import { SQLITE_STATS_DAILY_DDL } from "./sqlite-stats-daily.js";

/** `PRAGMA user_version` of a file with the current schema. */
export const SQLITE_SCHEMA_VERSION = 9;

const AUDIT_TRIGGERS = `
CREATE TRIGGER IF NOT EXISTS actions_audit_insert AFTER INSERT ON actions
  BEGIN
    INSERT INTO audit_log (action_id, from_status, to_status, actor, at)
    VALUES (NEW.id, NULL, NEW.status, NEW.changed_by, NEW.changed_at);
  END;
CREATE TRIGGER IF NOT EXISTS actions_audit_update AFTER UPDATE OF status ON actions
  BEGIN
    INSERT INTO audit_log (action_id, from_status, to_status, actor, at)
    VALUES (NEW.id, OLD.status, NEW.status, NEW.changed_by, NEW.changed_at);
  END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE INDEX IF NOT EXISTS actions_pending_seq ON actions (seq) WHERE status = 'pending';
`;

/** DDL of a new file up to schema version 2 (the later steps follow). */
const CREATE_V2 = `
CREATE TABLE actions (
  seq           INTEGER PRIMARY KEY,
  id            TEXT    NOT NULL UNIQUE,
  agent_id      TEXT    NOT NULL,
  status        TEXT    NOT NULL,
  expires_ms    INTEGER NOT NULL,
  request_hash  TEXT    NOT NULL,
  callback_url  TEXT,
  record        TEXT    NOT NULL,
  decision_seq  INTEGER UNIQUE,
  changed_by    TEXT,
  changed_at    TEXT
);
CREATE INDEX actions_pending_expiry ON actions (expires_ms) WHERE status = 'pending';
CREATE INDEX actions_agent_decisions ON actions (agent_id, decision_seq)
  WHERE decision_seq IS NOT NULL;
CREATE TABLE audit_log (
  seq          INTEGER PRIMARY KEY,
  action_id    TEXT NOT NULL,
  from_status  TEXT,
  to_status    TEXT NOT NULL,
  actor        TEXT NOT NULL,
  at           TEXT NOT NULL
);
CREATE INDEX audit_log_action ON audit_log (action_id, seq);
${AUDIT_TRIGGERS}`;

/** From version 1 (audit rows inserted by the store, `(status, seq)` index). */
const MIGRATE_V1_TO_V2 = `
ALTER TABLE actions ADD COLUMN changed_by TEXT;
ALTER TABLE actions ADD COLUMN changed_at TEXT;
DROP INDEX IF EXISTS actions_status_seq;
${AUDIT_TRIGGERS}`;

/** From version 2: the delivery state of callbacks. */
const MIGRATE_V2_TO_V3 = `
ALTER TABLE actions ADD COLUMN callback_state TEXT;
CREATE INDEX actions_pending_callbacks ON actions (decision_seq) WHERE callback_state = 'pending';
`;

/** From version 3: where each action's Slack message was posted (`sqlite-slack-messages.ts`). */
const MIGRATE_V3_TO_V4 = `
CREATE TABLE slack_messages (
  action_id   TEXT    PRIMARY KEY,
  channel     TEXT    NOT NULL,
  ts          TEXT    NOT NULL,
  expires_ms  INTEGER NOT NULL
);
CREATE INDEX slack_messages_expiry ON slack_messages (expires_ms);
`;

/** From version 4: the reviewer state shared by the processes on the file. */
const MIGRATE_V4_TO_V5 = `
CREATE TABLE reviewer_revoked_sessions (
  session_id  TEXT PRIMARY KEY,
  expires_ms  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX reviewer_revoked_sessions_expiry ON reviewer_revoked_sessions (expires_ms);
CREATE TABLE reviewer_session_cutoffs (
  reviewer    TEXT PRIMARY KEY,
  before_ms   INTEGER NOT NULL,
  expires_ms  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX reviewer_session_cutoffs_expiry ON reviewer_session_cutoffs (expires_ms);
CREATE TABLE reviewer_credentials (
  reviewer     TEXT PRIMARY KEY,
  fingerprint  TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE reviewer_used_tokens (
  token_id    TEXT PRIMARY KEY,
  expires_ms  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX reviewer_used_tokens_expiry ON reviewer_used_tokens (expires_ms);
CREATE TABLE reviewer_sign_in_failures (
  key              TEXT PRIMARY KEY,
  failures         INTEGER NOT NULL,
  locked_until_ms  INTEGER NOT NULL,
  expires_ms       INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX reviewer_sign_in_failures_expiry ON reviewer_sign_in_failures (expires_ms);
`;

/** From version 5: the lease of an owed callback (who sends it, until when). */
const MIGRATE_V5_TO_V6 = `
ALTER TABLE actions ADD COLUMN callback_lease_owner TEXT;
ALTER TABLE actions ADD COLUMN callback_lease_until INTEGER;
`;

/** From version 6: audit entries that are not status changes. */
const MIGRATE_V6_TO_V7 = `
ALTER TABLE audit_log ADD COLUMN event TEXT;
`;

/** From version 7: quorum approvals and escalation. */
const MIGRATE_V7_TO_V8 = `
ALTER TABLE actions ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
ALTER TABLE actions ADD COLUMN escalate_ms INTEGER;
CREATE INDEX actions_pending_escalation ON actions (escalate_ms)
  WHERE status = 'pending' AND escalate_ms IS NOT NULL;
`;

/** An ISO 8601 time (SQL text) in ms since the epoch; NULL when SQLite cannot read it. */
const isoMs = (sql: string) => `CAST(ROUND((julianday(${sql}) - 2440587.5) * 86400000) AS INTEGER)`;

/** From version 8: the analytics columns, backfilled, and their indexes. */
const MIGRATE_V8_TO_V9 = `
ALTER TABLE actions ADD COLUMN created_ms INTEGER;
ALTER TABLE actions ADD COLUMN decided_ms INTEGER;
ALTER TABLE actions ADD COLUMN group_key TEXT;
ALTER TABLE actions ADD COLUMN escalated_ms INTEGER;
ALTER TABLE actions ADD COLUMN decision_bucket INTEGER;
UPDATE actions SET
  created_ms = ${isoMs("record ->> '$.created_at'")},
  decided_ms = IIF(status = 'pending', NULL, MAX(${isoMs("record ->> '$.decision.decided_at'")},
    COALESCE(${isoMs("record ->> '$.created_at'")}, ${Number.MIN_SAFE_INTEGER}))),
  group_key = json_array(agent_id, record ->> '$.action.name', record ->> '$.severity',
    record -> '$.assignees'),
  escalated_ms = (SELECT MAX(${isoMs("value ->> '$.escalated_at'")})
    FROM json_each(record, '$.escalations'));
UPDATE actions SET decision_bucket = ${decisionBucketSql("MAX(decided_ms - created_ms, 0)")}
  WHERE status IN (${REVIEWER_DECISIONS.map((s) => `'${s}'`).join(", ")}) AND decided_ms IS NOT NULL
    AND created_ms IS NOT NULL;
CREATE INDEX actions_stats_decided
  ON actions (decided_ms, group_key, status, decision_bucket, created_ms)
  WHERE decided_ms IS NOT NULL;
CREATE INDEX actions_stats_created ON actions (created_ms, group_key);
CREATE INDEX actions_stats_pending ON actions (created_ms, id) WHERE status = 'pending';
CREATE INDEX actions_stats_escalated ON actions (escalated_ms) WHERE escalated_ms IS NOT NULL;
${SQLITE_STATS_DAILY_DDL}`;

/** The step from each version to the next. */
const STEPS: Record<number, string> = {
  1: MIGRATE_V1_TO_V2,
  2: MIGRATE_V2_TO_V3,
  3: MIGRATE_V3_TO_V4,
  4: MIGRATE_V4_TO_V5,
  5: MIGRATE_V5_TO_V6,
  6: MIGRATE_V6_TO_V7,
  7: MIGRATE_V7_TO_V8,
  8: MIGRATE_V8_TO_V9,
};

/**
 * Brings the file to {@link SQLITE_SCHEMA_VERSION}: creates the schema in an empty file,
 * migrates an older one, in one `BEGIN IMMEDIATE` transaction (several processes opening one
 * file migrate it once). Throws for a file written by a newer version.
 */
export function migrateSqlite(db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma("user_version", { simple: true }) as number;
    if (version === SQLITE_SCHEMA_VERSION) return;
    if (version > SQLITE_SCHEMA_VERSION) {
      throw new InvalidConfigError(
        `SQLite file has schema version ${version}, newer than this inbox's ${SQLITE_SCHEMA_VERSION}; upgrade @safeguards/server`,
      );
    }
    const hasActions = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'actions'")
      .get();
    // A version-1 file may carry user_version 0 if it was created before the pragma was set.
    let at = version === 0 && hasActions ? 1 : version;
    if (at === 0) {
      db.exec(CREATE_V2);
      at = 2;
    }
    for (; at < SQLITE_SCHEMA_VERSION; at++) db.exec(STEPS[at] as string);
    db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION}`);
  }).immediate();
}
