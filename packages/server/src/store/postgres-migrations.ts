/**
 * @module store/postgres-migrations
 * Versioned schema of the PostgreSQL store. {@link migratePostgres} applies the missing
 * versions in one transaction under a transaction-level advisory lock, so several inbox
 * instances starting together on one database never race: the first one migrates, the
 * others wait for it and then find nothing left to do. Applied versions are recorded in
 * `schema_migrations`. Migrations are append-only: never edit a released one, add the next.
 */
import type pg from "pg";

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
/** Second advisory-lock key held from `nextval('decision_seq')` to COMMIT. */
export const DECISION_LOCK_KEY = 2;

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
    name: "quorum approvals and escalation (revision, escalate_ms)",
    sql: `
-- A pending record changes (approvals, modifications, escalation steps) by compare-and-set
-- on revision; escalate_ms is when its next escalation step is due.
ALTER TABLE actions ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
ALTER TABLE actions ADD COLUMN escalate_ms BIGINT;
CREATE INDEX actions_pending_escalation ON actions (escalate_ms)
  WHERE status = 'pending' AND escalate_ms IS NOT NULL;
-- As version 2's, and only while the revision is p_revision (NULL: any). A new overload, so
-- instances of the previous release keep calling theirs during a rolling upgrade.
CREATE FUNCTION safeguards_decide(p_id TEXT, p_status TEXT, p_record TEXT,
  p_not_expired_at BIGINT, p_actor TEXT, p_at TEXT, p_revision INTEGER)
  RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
  v_seq BIGINT;
BEGIN
  PERFORM pg_advisory_xact_lock(${ADVISORY_LOCK_NAMESPACE}, ${DECISION_LOCK_KEY});
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
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
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
    await client.query("COMMIT");
    return { applied, version: Math.max(0, ...done) };
  } catch (error) {
    // Destroying the connection rolls the transaction back.
    broken = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.release(broken);
  }
}
