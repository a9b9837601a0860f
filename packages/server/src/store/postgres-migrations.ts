/**
 * @module store/postgres-migrations
 * Versioned schema of the PostgreSQL store. {@link migratePostgres} applies the missing
 * versions in one transaction under a transaction-level advisory lock, so several inbox
 * instances starting together on one database never race: the first one migrates, the
 * others wait for it and then find nothing left to do. Applied versions are recorded in
 * `schema_migrations`. Migrations are append-only: never edit a released one, add the next.
 */
import type pg from "pg";
import { POSTGRES_STATS_MIGRATION } from "./postgres-stats.js";
import { inTransaction } from "./postgres-transaction.js";

/** One schema version. */
export interface PostgresMigration {
  version: number;
  name: string;
  sql: string;
}

/** Namespace (first key) of this package's advisory locks. */
export const ADVISORY_LOCK_NAMESPACE = 0x5afe9d;
/** Second advisory-lock key held while migrating. */
export const MIGRATION_LOCK_KEY = 1;
/**
 * Second advisory-lock key once held database-wide from `nextval('decision_seq')` to COMMIT
 * (schema versions 1-5); from version 6 the lock is per agent ({@link DECISION_AGENT_LOCK_NAMESPACE}).
 */
export const DECISION_LOCK_KEY = 2;
/**
 * First key of the per-agent decision locks (the second is `hashtext(agent_id)`): held from
 * `nextval('decision_seq')` to COMMIT, so each agent's decision numbers become visible in
 * order. Two agents whose ids hash alike only wait for each other.
 */
export const DECISION_AGENT_LOCK_NAMESPACE = 0x5afe_0003;

/** The schema, oldest first. */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: "actions, decision sequence, append-only audit log",
    sql: `
CREATE TABLE actions (
  seq           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id            TEXT   NOT NULL UNIQUE,
  agent_id      TEXT   NOT NULL,
  status        TEXT   NOT NULL,
  expires_ms    BIGINT NOT NULL,
  request_hash  TEXT   NOT NULL,
  callback_url  TEXT,
  record        TEXT   NOT NULL,
  decision_seq  BIGINT UNIQUE,
  CHECK ((status = 'pending') = (decision_seq IS NULL))
);
CREATE SEQUENCE decision_seq AS BIGINT;
CREATE INDEX actions_status_seq ON actions (status, seq DESC);
CREATE INDEX actions_agent_seq ON actions (agent_id, seq DESC);
CREATE INDEX actions_agent_decisions ON actions (agent_id, decision_seq)
  WHERE decision_seq IS NOT NULL;
CREATE INDEX actions_pending_expiry ON actions (expires_ms) WHERE status = 'pending';
CREATE TABLE audit_log (
  seq          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  action_id    TEXT NOT NULL,
  from_status  TEXT,
  to_status    TEXT NOT NULL,
  actor        TEXT NOT NULL,
  at           TEXT NOT NULL
);
CREATE INDEX audit_log_action ON audit_log (action_id, seq);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
-- A terminal transition in one statement (called outside an explicit transaction, so the
-- statement is the transaction): the advisory lock is taken before nextval and released by
-- the COMMIT at the end of the statement, so decision numbers become visible in order,
-- and the lock is never held across a network round trip. Returns NULL when the action is
-- no longer pending or its deadline has passed.
CREATE FUNCTION safeguards_decide(p_id TEXT, p_status TEXT, p_record TEXT,
  p_not_expired_at BIGINT, p_actor TEXT, p_at TEXT) RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
  v_seq BIGINT;
BEGIN
  PERFORM pg_advisory_xact_lock(${ADVISORY_LOCK_NAMESPACE}, ${DECISION_LOCK_KEY});
  UPDATE actions SET status = p_status, record = p_record, decision_seq = nextval('decision_seq')
    WHERE id = p_id AND status = 'pending' AND expires_ms > p_not_expired_at
    RETURNING decision_seq INTO v_seq;
  IF v_seq IS NOT NULL THEN
    INSERT INTO audit_log (action_id, from_status, to_status, actor, at)
      VALUES (p_id, 'pending', p_status, p_actor, p_at);
  END IF;
  RETURN v_seq;
END $$;
`,
  },
  {
    version: 2,
    name: "callback delivery state",
    sql: `
ALTER TABLE actions ADD COLUMN callback_state TEXT;
CREATE INDEX actions_pending_callbacks ON actions (decision_seq) WHERE callback_state = 'pending';
-- As version 1, and a decision of an action with a callback URL marks its callback pending.
CREATE OR REPLACE FUNCTION safeguards_decide(p_id TEXT, p_status TEXT, p_record TEXT,
  p_not_expired_at BIGINT, p_actor TEXT, p_at TEXT) RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
  v_seq BIGINT;
BEGIN
  PERFORM pg_advisory_xact_lock(${ADVISORY_LOCK_NAMESPACE}, ${DECISION_LOCK_KEY});
  UPDATE actions SET status = p_status, record = p_record, decision_seq = nextval('decision_seq'),
      callback_state = CASE WHEN callback_url IS NULL THEN NULL ELSE 'pending' END
    WHERE id = p_id AND status = 'pending' AND expires_ms > p_not_expired_at
    RETURNING decision_seq INTO v_seq;
  IF v_seq IS NOT NULL THEN
    INSERT INTO audit_log (action_id, from_status, to_status, actor, at)
      VALUES (p_id, 'pending', p_status, p_actor, p_at);
  END IF;
  RETURN v_seq;
END $$;
`,
  },
  {
    version: 3,
    name: "pending actions per agent (maxPendingPerAgent)",
    sql: `
-- A filing counts its agent's pending actions (maxPendingPerAgent): read this small index,
-- not the agent's whole history.
CREATE INDEX actions_agent_pending ON actions (agent_id) WHERE status = 'pending';
`,
  },
  {
    version: 4,
    name: "Slack message of each action (chat.update by any instance)",
    sql: `
-- Where each action's Slack message was posted; the instance that deletes the row updates
-- the message (store/postgres-slack-messages.ts). Rows past expires_ms are purged.
CREATE TABLE slack_messages (
  action_id   TEXT   PRIMARY KEY,
  channel     TEXT   NOT NULL,
  ts          TEXT   NOT NULL,
  expires_ms  BIGINT NOT NULL
);
CREATE INDEX slack_messages_expiry ON slack_messages (expires_ms);
`,
  },
  {
    version: 5,
    name: "reviewer state shared by the instances (sessions, email tokens, sign-in counters)",
    sql: `
CREATE TABLE reviewer_revoked_sessions (
  session_id  TEXT PRIMARY KEY,
  expires_ms  BIGINT NOT NULL
);
CREATE INDEX reviewer_revoked_sessions_expiry ON reviewer_revoked_sessions (expires_ms);
CREATE TABLE reviewer_session_cutoffs (
  reviewer    TEXT PRIMARY KEY,
  before_ms   BIGINT NOT NULL,
  expires_ms  BIGINT NOT NULL
);
CREATE INDEX reviewer_session_cutoffs_expiry ON reviewer_session_cutoffs (expires_ms);
CREATE TABLE reviewer_credentials (
  reviewer     TEXT PRIMARY KEY,
  fingerprint  TEXT NOT NULL
);
CREATE TABLE reviewer_used_tokens (
  token_id    TEXT PRIMARY KEY,
  expires_ms  BIGINT NOT NULL
);
CREATE INDEX reviewer_used_tokens_expiry ON reviewer_used_tokens (expires_ms);
CREATE TABLE reviewer_sign_in_failures (
  key              TEXT PRIMARY KEY,
  failures         INTEGER NOT NULL,
  locked_until_ms  BIGINT NOT NULL,
  expires_ms       BIGINT NOT NULL
);
CREATE INDEX reviewer_sign_in_failures_expiry ON reviewer_sign_in_failures (expires_ms);
`,
  },
  {
    version: 6,
    name: "decision ordering lock per agent, not per database",
    sql: `
-- As version 2, but the ordering lock is the action's agent's, not one for the database: a
-- /decisions cursor only reads one agent's stream, so numbers need to become visible in
-- order within each agent only, and two agents' transitions no longer wait for each other.
-- agent_id never changes, so reading it before the lock is safe.
CREATE OR REPLACE FUNCTION safeguards_decide(p_id TEXT, p_status TEXT, p_record TEXT,
  p_not_expired_at BIGINT, p_actor TEXT, p_at TEXT) RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
  v_seq BIGINT;
  v_agent TEXT;
BEGIN
  SELECT agent_id INTO v_agent FROM actions WHERE id = p_id;
  IF v_agent IS NULL THEN
    RETURN NULL;
  END IF;
  PERFORM pg_advisory_xact_lock(${DECISION_AGENT_LOCK_NAMESPACE}, hashtext(v_agent));
  UPDATE actions SET status = p_status, record = p_record, decision_seq = nextval('decision_seq'),
      callback_state = CASE WHEN callback_url IS NULL THEN NULL ELSE 'pending' END
    WHERE id = p_id AND status = 'pending' AND expires_ms > p_not_expired_at
    RETURNING decision_seq INTO v_seq;
  IF v_seq IS NOT NULL THEN
    INSERT INTO audit_log (action_id, from_status, to_status, actor, at)
      VALUES (p_id, 'pending', p_status, p_actor, p_at);
  END IF;
  RETURN v_seq;
END $$;
`,
  },
  {
    version: 7,
    name: "leases of owed callbacks",
    sql: `
-- The inbox instance sending an owed callback, and until when (ms) its lease holds.
ALTER TABLE actions ADD COLUMN callback_lease_owner TEXT;
ALTER TABLE actions ADD COLUMN callback_lease_until BIGINT;
`,
  },
  {
    version: 8,
    name: "audit entries that are not status changes (agent_timeout)",
    sql: `
-- Set for entries that are not status changes (from_status = to_status), e.g. 'agent_timeout'.
ALTER TABLE audit_log ADD COLUMN event TEXT;
`,
  },
  {
    version: 9,
    name: "quorum approvals and escalation (revision, escalate_ms)",
    sql: `
-- A pending record changes (approvals, modifications, escalation steps) by compare-and-set
-- on revision; escalate_ms is when its next escalation step is due.
ALTER TABLE actions ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
ALTER TABLE actions ADD COLUMN escalate_ms BIGINT;
CREATE INDEX actions_pending_escalation ON actions (escalate_ms)
  WHERE status = 'pending' AND escalate_ms IS NOT NULL;
-- As version 6's (the ordering lock of the action's agent), and only while the revision is
-- p_revision (NULL: any). A new overload, so instances of the previous release keep calling
-- theirs during a rolling upgrade.
CREATE FUNCTION safeguards_decide(p_id TEXT, p_status TEXT, p_record TEXT,
  p_not_expired_at BIGINT, p_actor TEXT, p_at TEXT, p_revision INTEGER)
  RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
  v_seq BIGINT;
  v_agent TEXT;
BEGIN
  SELECT agent_id INTO v_agent FROM actions WHERE id = p_id;
  IF v_agent IS NULL THEN
    RETURN NULL;
  END IF;
  PERFORM pg_advisory_xact_lock(${DECISION_AGENT_LOCK_NAMESPACE}, hashtext(v_agent));
  UPDATE actions SET status = p_status, record = p_record, decision_seq = nextval('decision_seq'),
      callback_state = CASE WHEN callback_url IS NULL THEN NULL ELSE 'pending' END,
      escalate_ms = NULL
    WHERE id = p_id AND status = 'pending' AND expires_ms > p_not_expired_at
      AND (p_revision IS NULL OR revision = p_revision)
    RETURNING decision_seq INTO v_seq;
  IF v_seq IS NOT NULL THEN
    INSERT INTO audit_log (action_id, from_status, to_status, actor, at)
      VALUES (p_id, 'pending', p_status, p_actor, p_at);
  END IF;
  RETURN v_seq;
END $$;
`,
  },
  {
    version: 10,
    name: "analytics columns (created_ms, decided_ms, group_key, escalated_ms) and indexes",
    sql: POSTGRES_STATS_MIGRATION,
  },
];

/** What {@link migratePostgres} did. */
export interface MigrationReport {
  /** Versions applied by this call (empty when the schema was current). */
  applied: number[];
  /** Highest version present afterwards. */
  version: number;
}

/**
 * Brings the database's schema up to date. Safe to call from many processes at once and
 * repeatedly (idempotent). A database migrated by a newer release (a version unknown here)
 * is left alone.
 */
export async function migratePostgres(
  pool: pg.Pool,
  migrations: readonly PostgresMigration[] = POSTGRES_MIGRATIONS,
): Promise<MigrationReport> {
  return inTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock($1, $2)", [
      ADVISORY_LOCK_NAMESPACE,
      MIGRATION_LOCK_KEY,
    ]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version     INTEGER PRIMARY KEY,
      name        TEXT NOT NULL,
      applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number }>(
      "SELECT version FROM schema_migrations",
    );
    const done = new Set(rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [
        m.version,
        m.name,
      ]);
      applied.push(m.version);
      done.add(m.version);
    }
    return { applied, version: Math.max(0, ...done) };
  });
}
