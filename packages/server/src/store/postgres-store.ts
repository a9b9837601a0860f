/**
 * @module store/postgres-store
 * The {@link ActionStore} for several inbox instances sharing one PostgreSQL database (`pg`
 * Pool). Same guarantees as the SQLite store:
 *
 * - `create` is one statement (insert + `created` audit entry); a duplicate id writes nothing;
 * - `transition` is one statement, hence one transaction (the `safeguards_decide` function of
 *   the schema): `UPDATE ... WHERE status = 'pending'` (so exactly one of any number of
 *   concurrent transitions wins, across processes), the next value of the `decision_seq`
 *   SEQUENCE, and the audit entry;
 * - the audit log is append-only (triggers refuse UPDATE, DELETE and TRUNCATE).
 *
 * Ordering of the decision sequence: a plain sequence hands out numbers in call order, not in
 * commit order, so a `/decisions` reader could see 8 committed, move its cursor past 8, and
 * never see 7 committing a moment later. To prevent that, a terminal transition takes a
 * transaction-level advisory lock just before `nextval` and holds it until COMMIT: numbers
 * are therefore assigned and made visible one transaction at a time, in order. The cost is
 * that terminal transitions (not reads, not filing) are serialised database-wide for the
 * server-side time of one UPDATE + INSERT + COMMIT (the lock is released by the statement's
 * own commit, never held across a network round trip). Schema migrations run in `init()`.
 */
import { InvalidConfigError } from "@safeguards/core";
import pg from "pg";
import type {
  ActionStore,
  AgentTimeoutInput,
  AgentTimeoutResult,
  AuditEntry,
  ListPage,
  ListQuery,
  StoredRecord,
  TransitionInput,
  TransitionResult,
} from "./action-store.js";
import { agentTimeoutStep } from "./agent-timeout.js";
import { decodeListCursor, encodeListCursor } from "./list-cursor.js";
import { postgresCallbackState } from "./postgres-callbacks.js";
import { postgresCreate } from "./postgres-filing.js";
import { migratePostgres } from "./postgres-migrations.js";
import { createPostgresPendingChanges, refuse } from "./postgres-pending-changes.js";
import { createPostgresReviewerState } from "./postgres-reviewer-state.js";
import { createPostgresSlackMessages } from "./postgres-slack-messages.js";
import { postgresStats } from "./postgres-stats.js";
import { unstorable } from "./postgres-text.js";
import { guardPoolClients } from "./postgres-transaction.js";
import {
  ACTION_COLUMNS,
  type ActionRow,
  type AuditRow,
  actionFromRow,
  auditEntryFromRow,
  type CountRow,
  countFromRow,
} from "./sql-rows.js";

/** Options of {@link createPostgresStore}. */
export interface PostgresStoreOptions {
  /** `postgres://user@host:port/db`; ignored when `pool` is given. */
  connectionString?: string;
  /** An existing Pool (the store then does not end it on `close()`). */
  pool?: pg.Pool;
  /** Size of the Pool the store creates. @default 10 */
  maxConnections?: number;
  /** Run schema migrations in `init()`. @default true */
  migrate?: boolean;
}

const COLS = ACTION_COLUMNS;

/** Creates a PostgreSQL-backed {@link ActionStore}. Call `init()` before use. */
export function createPostgresStore(options: PostgresStoreOptions): ActionStore {
  if (!options.pool && !options.connectionString) {
    throw new InvalidConfigError("createPostgresStore: give connectionString or pool");
  }
  const owned = !options.pool;
  const pool =
    options.pool ??
    new pg.Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 10,
    });
  // An idle client losing its connection (database restart) must not crash the process.
  if (owned) pool.on("error", () => {});
  // ...nor a connection just handed out, before anyone listens to it.
  guardPoolClients(pool);

  const getRow = async (db: pg.Pool | pg.PoolClient, id: string) => {
    if (unstorable(id)) return undefined;
    const { rows } = await db.query<ActionRow>(`SELECT ${COLS} FROM actions WHERE id = $1`, [id]);
    return rows[0];
  };

  const create = postgresCreate(pool, getRow);

  const pendingChanges = createPostgresPendingChanges(pool, getRow);
  const { whyNot } = pendingChanges;

  /**
   * One terminal transition (the `safeguards_decide` statement). Without the caller's
   * revision it reads the row and decides on that revision, reading again (a few times)
   * when an approval or escalation changed the record in between, so nothing is overwritten.
   */
  const transition = async (input: TransitionInput): Promise<TransitionResult> => {
    for (let attempt = 0; ; attempt++) {
      const row = await getRow(pool, input.id);
      if (!row) return { ok: false, reason: "not_found" };
      const current = actionFromRow(row);
      const refusal = refuse(current, input);
      if (refusal) return refusal;
      const pinned = input.revision !== undefined;
      const base = pinned && input.record ? input.record : current.record;
      const record: StoredRecord = { ...base, status: input.status, decision: input.decision };
      const { rows } = await pool.query<{ seq: string | null }>(
        "SELECT safeguards_decide($1, $2, $3, $4, $5, $6, $7) AS seq",
        [
          input.id,
          input.status,
          JSON.stringify(record),
          input.notExpiredAt ?? Number.MIN_SAFE_INTEGER,
          input.actor,
          input.at,
          input.revision ?? current.revision,
        ],
      );
      const seq = rows[0]?.seq ?? null;
      if (seq !== null)
        return { ok: true, action: { ...current, record, decisionSeq: Number(seq) } };
      const result = await whyNot(input.id, input.revision ?? current.revision, input);
      if (result.reason !== "stale" || pinned || attempt >= 8) return result;
    }
  };

  /**
   * One statement: the record changes only while terminal and without a report, and the
   * audit entry is written with it (or neither is).
   */
  const recordAgentTimeout = async (input: AgentTimeoutInput): Promise<AgentTimeoutResult> => {
    const read = async () => {
      const row = await getRow(pool, input.id);
      return agentTimeoutStep(row && actionFromRow(row), input);
    };
    const step = await read();
    if ("answer" in step) return step.answer;
    const { rowCount } = await pool.query(
      `WITH upd AS (
         UPDATE actions SET record = $2 WHERE id = $1 AND status <> 'pending'
           AND (record::jsonb ->> 'agent_timeout') IS NULL
         RETURNING id, status)
       INSERT INTO audit_log (action_id, from_status, to_status, actor, at, event)
       SELECT id, status, status, $3, $4, 'agent_timeout' FROM upd`,
      [input.id, JSON.stringify(step.record), `agent:${input.agentId}`, input.at],
    );
    if (rowCount === 0) {
      const again = await read();
      return "answer" in again ? again.answer : { ok: false, reason: "conflict" };
    }
    const row = await getRow(pool, input.id);
    if (!row) throw new Error(`action ${input.id} vanished`);
    return { ok: true, recorded: true, action: actionFromRow(row) };
  };

  const list = async (query: ListQuery): Promise<ListPage> => {
    if (unstorable(query.agentId) || unstorable(query.status)) {
      return { actions: [], nextCursor: null };
    }
    const before = decodeListCursor(query.cursor);
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (before !== null) {
      params.push(before);
      where.push(`seq < $${params.length}`);
    }
    if (query.status === "decided") {
      where.push("status <> 'pending'");
    } else if (query.status !== undefined) {
      params.push(query.status);
      where.push(`status = $${params.length}`);
    }
    if (query.agentId !== undefined) {
      params.push(query.agentId);
      where.push(`agent_id = $${params.length}`);
    }
    params.push(query.limit + 1);
    const { rows } = await pool.query<ActionRow>(
      `SELECT ${COLS} FROM actions ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY seq DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      actions: page.map(actionFromRow),
      nextCursor: rows.length > query.limit && last ? encodeListCursor(Number(last.seq)) : null,
    };
  };

  let closed = false;
  const slackMessages = createPostgresSlackMessages(pool);
  return {
    reviewerState: createPostgresReviewerState(pool),
    async init() {
      if (options.migrate !== false) await migratePostgres(pool);
    },
    slackMessages: () => slackMessages,
    create,
    async get(id) {
      const row = await getRow(pool, id);
      return row ? actionFromRow(row) : undefined;
    },
    list,
    transition,
    recordAgentTimeout,
    ...pendingChanges,
    async decisionsSince(query) {
      if (unstorable(query.agentId)) return [];
      const { rows } = await pool.query<ActionRow>(
        `SELECT ${COLS} FROM actions WHERE agent_id = $1 AND decision_seq > $2
         ORDER BY decision_seq LIMIT $3`,
        [query.agentId, query.after, query.limit],
      );
      return rows.map(actionFromRow);
    },
    async latestDecisionSeq(agentId) {
      if (unstorable(agentId)) return 0;
      const { rows } = await pool.query<{ n: string | null }>(
        "SELECT MAX(decision_seq) AS n FROM actions WHERE agent_id = $1 AND decision_seq IS NOT NULL",
        [agentId],
      );
      return Number(rows[0]?.n ?? 0);
    },
    async dueForExpiry(nowMs, limit) {
      const { rows } = await pool.query<{ id: string }>(
        `SELECT id FROM actions WHERE status = 'pending' AND expires_ms <= $1
         ORDER BY expires_ms LIMIT $2`,
        [nowMs, limit],
      );
      return rows.map((r) => r.id);
    },
    async nextExpiry() {
      const { rows } = await pool.query<{ at: string | null }>(
        "SELECT MIN(expires_ms) AS at FROM actions WHERE status = 'pending'",
      );
      const at = rows[0]?.at;
      return at === null || at === undefined ? null : Number(at);
    },
    async auditLog(actionId): Promise<AuditEntry[]> {
      const { rows } = await pool.query<AuditRow>(
        "SELECT * FROM audit_log WHERE action_id = $1 ORDER BY seq",
        [actionId],
      );
      return rows.map(auditEntryFromRow);
    },
    async pendingCounts() {
      const { rows } = await pool.query<CountRow>(
        `SELECT agent_id, record::jsonb #>> '{action,name}' AS tool,
           record::jsonb ->> 'severity' AS severity, record::jsonb ->> 'assignees' AS assignees,
           COUNT(*) AS n
         FROM actions WHERE status = 'pending' GROUP BY 1, 2, 3, 4`,
      );
      return rows.map(countFromRow);
    },
    ...postgresCallbackState(pool),
    ...postgresStats(pool),
    async close() {
      if (closed) return;
      closed = true;
      if (owned) await pool.end();
    },
  };
}
