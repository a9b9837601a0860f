/**
 * @module store/sqlite-schema
 * Schema (version 1) of the SQLite store. The audit log is made append-only by triggers.
 */

/** `PRAGMA user_version` written after the schema is created. */
export const SQLITE_SCHEMA_VERSION = 1;

/** DDL of schema version 1; every statement is idempotent. */
export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS actions (
  seq           INTEGER PRIMARY KEY AUTOINCREMENT,
  id            TEXT    NOT NULL UNIQUE,
  agent_id      TEXT    NOT NULL,
  status        TEXT    NOT NULL,
  expires_ms    INTEGER NOT NULL,
  request_hash  TEXT    NOT NULL,
  callback_url  TEXT,
  record        TEXT    NOT NULL,
  decision_seq  INTEGER UNIQUE
);
CREATE INDEX IF NOT EXISTS actions_pending_expiry ON actions (expires_ms) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS actions_agent_decisions ON actions (agent_id, decision_seq)
  WHERE decision_seq IS NOT NULL;
CREATE INDEX IF NOT EXISTS actions_status_seq ON actions (status, seq);
CREATE TABLE IF NOT EXISTS audit_log (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  action_id    TEXT NOT NULL,
  from_status  TEXT,
  to_status    TEXT NOT NULL,
  actor        TEXT NOT NULL,
  at           TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_action ON audit_log (action_id, seq);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
`;
