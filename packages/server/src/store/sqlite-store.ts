/**
 * @module store/sqlite-store
 * The default {@link ActionStore}: one SQLite file (better-sqlite3, WAL). Every state
 * change is one statement (its audit entry written by a trigger, see `sqlite-schema.ts`) in
 * a `BEGIN IMMEDIATE` transaction that concurrent changes share (`sqlite-group-commit.ts`);
 * the decision sequence is `MAX(decision_seq) + 1` read inside that write transaction, so it
 * is strictly increasing in commit order even with several processes on one file. The file
 * is opened by `sqlite-connection.ts`. Statements are prepared once.
 */
import { createdMsOf, decidedMsOf, decisionBucketOf, groupKeyOf } from "./action-stats.js";
import type {
  ActionStore,
  AgentTimeoutInput,
  AgentTimeoutResult,
  AuditEntry,
  CreateResult,
  ListQuery,
  NewAction,
  StoredAction,
  StoredRecord,
  TransitionInput,
  TransitionResult,
} from "./action-store.js";
import { agentTimeoutStep } from "./agent-timeout.js";
import { decodeListCursor, encodeListCursor } from "./list-cursor.js";
import {
  ACTION_COLUMNS,
  type ActionRow,
  type AuditRow,
  actionFromRow,
  auditEntryFromRow,
  type CountRow,
  changedAction,
  countFromRow,
  insertValues,
} from "./sql-rows.js";
import { sqliteCallbackState } from "./sqlite-callbacks.js";
import { openSqlite, type SqliteStoreOptions } from "./sqlite-connection.js";
import { createGroupCommit } from "./sqlite-group-commit.js";
import { createSqlitePendingChanges } from "./sqlite-pending-changes.js";
import { createSqliteReviewerState } from "./sqlite-reviewer-state.js";
import { createSqliteSlackMessages } from "./sqlite-slack-messages.js";
import { sqliteStats } from "./sqlite-stats.js";

export { DEFAULT_SQLITE_PATH, type SqliteStoreOptions } from "./sqlite-connection.js";

/** Creates a SQLite-backed {@link ActionStore}. Call `init()` before use. */
export function createSqliteStore(options: SqliteStoreOptions = {}): ActionStore {
  const { db, unwatch } = openSqlite(options);

  const cols = ACTION_COLUMNS;
  /** The shared insert values plus the analytics columns `created_ms` and `group_key`. */
  type InsertValues = [...ReturnType<typeof insertValues>, number | null, string];
  const q = {
    get: db.prepare<[string], ActionRow>(`SELECT ${cols} FROM actions WHERE id = ?`),
    // The audit entries are written by triggers from changed_by / changed_at.
    insert: db.prepare<InsertValues>(
      `INSERT INTO actions (id, agent_id, status, expires_ms, request_hash, callback_url, record,
         changed_by, changed_at, escalate_ms, created_ms, group_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    ),
    // The same insert, applied only while the agent has fewer than `max` pending actions:
    // one statement, so the count and the insert are atomic (SQLite has one writer).
    insertUnderQuota: db.prepare<[...InsertValues, string, number]>(
      `INSERT INTO actions (id, agent_id, status, expires_ms, request_hash, callback_url, record,
         changed_by, changed_at, escalate_ms, created_ms, group_key)
       SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
       WHERE (SELECT COUNT(*) FROM actions WHERE agent_id = ? AND status = 'pending') < ?
       ON CONFLICT (id) DO NOTHING`,
    ),
    decide: db.prepare<
      [string, string, string, string, number | null, number | null, string, number, number | null],
      { decision_seq: number; request_hash: string; callback_url: string | null; revision: number }
    >(
      `UPDATE actions SET status = ?, record = ?, changed_by = ?, changed_at = ?, decided_ms = ?,
         decision_bucket = ?,
         decision_seq = (SELECT COALESCE(MAX(decision_seq), 0) + 1 FROM actions),
         callback_state = IIF(callback_url IS NULL, NULL, 'pending'), escalate_ms = NULL
       WHERE id = ? AND status = 'pending' AND expires_ms > ? AND revision = COALESCE(?, revision)
       RETURNING decision_seq, request_hash, callback_url, revision`,
    ),
    decisions: db.prepare<[string, number, number], ActionRow>(
      `SELECT ${cols} FROM actions WHERE agent_id = ? AND decision_seq > ?
       ORDER BY decision_seq LIMIT ?`,
    ),
    latestDecision: db.prepare<[string], { n: number | null }>(
      "SELECT MAX(decision_seq) AS n FROM actions WHERE agent_id = ? AND decision_seq IS NOT NULL",
    ),
    due: db.prepare<[number, number], { id: string }>(
      `SELECT id FROM actions WHERE status = 'pending' AND expires_ms <= ?
       ORDER BY expires_ms LIMIT ?`,
    ),
    nextExpiry: db.prepare<[], { at: number | null }>(
      "SELECT MIN(expires_ms) AS at FROM actions WHERE status = 'pending'",
    ),
    // Only a terminal record without a report changes (the status trigger does not fire).
    setAgentTimeout: db.prepare<[string, string]>(
      `UPDATE actions SET record = ? WHERE id = ? AND status <> 'pending'
         AND json_extract(record, '$.agent_timeout') IS NULL`,
    ),
    auditEvent: db.prepare<[string, string, string, string, string, string]>(
      `INSERT INTO audit_log (action_id, from_status, to_status, actor, at, event)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    pendingCounts: db.prepare<[], CountRow>(
      `SELECT agent_id, json_extract(record, '$.action.name') AS tool,
         json_extract(record, '$.severity') AS severity,
         json_extract(record, '$.assignees') AS assignees, COUNT(*) AS n
       FROM actions WHERE status = 'pending' GROUP BY 1, 2, 3, 4`,
    ),
    auditLog: db.prepare<[string], AuditRow>(
      "SELECT * FROM audit_log WHERE action_id = ? ORDER BY seq",
    ),
  };

  const groupCommit = createGroupCommit(db);
  const pending = createSqlitePendingChanges(db, (id) => q.get.get(id));

  /** Runs inside a group commit; writes with one statement. */
  const create = (input: NewAction): CreateResult => {
    const r = input.record;
    const values: InsertValues = [...insertValues(input), createdMsOf(r), groupKeyOf(r)];
    const inserted =
      input.maxPending === undefined
        ? q.insert.run(...values).changes
        : q.insertUnderQuota.run(...values, r.agent_id, input.maxPending).changes;
    if (inserted === 0) {
      const existing = q.get.get(r.id);
      if (existing) return { created: false, action: actionFromRow(existing) };
      if (input.maxPending !== undefined) return { created: false, refused: "too_many_pending" };
      throw new Error("conflicting action vanished");
    }
    // The stored row is exactly the JSON of this record: answer it without reading it back.
    const action: StoredAction = {
      record: r,
      requestHash: input.requestHash,
      callbackUrl: input.callbackUrl,
      decisionSeq: null,
      revision: 0,
    };
    return { created: true, action };
  };

  /** Runs inside a group commit; writes with one statement. */
  const transition = (input: TransitionInput): TransitionResult => {
    // With the caller's record (read while pending) the row is not read first; when the
    // UPDATE does not apply, it is read to tell why.
    const row = input.record ? undefined : q.get.get(input.id);
    if (!input.record && !row) return { ok: false, reason: "not_found" };
    const base = input.record ?? (row && actionFromRow(row).record);
    const record = { ...base, status: input.status, decision: input.decision } as StoredRecord;
    const updated = q.decide.get(
      input.status,
      JSON.stringify(record),
      input.actor,
      input.at,
      decidedMsOf(record),
      decisionBucketOf(record),
      input.id,
      input.notExpiredAt ?? Number.MIN_SAFE_INTEGER,
      input.revision ?? null,
    );
    if (!updated) return pending.whyNot(input.id, input.revision);
    return changedAction(record, updated);
  };

  /** Runs inside a group commit (in a savepoint: two statements). */
  const recordAgentTimeout = (input: AgentTimeoutInput): AgentTimeoutResult => {
    const read = () => {
      const row = q.get.get(input.id);
      return agentTimeoutStep(row && actionFromRow(row), input);
    };
    const step = read();
    if ("answer" in step) return step.answer;
    if (q.setAgentTimeout.run(JSON.stringify(step.record), input.id).changes === 0) {
      const again = read();
      return "answer" in again ? again.answer : { ok: false, reason: "conflict" };
    }
    const { status } = step.record;
    const actor = `agent:${input.agentId}`;
    q.auditEvent.run(input.id, status, status, actor, input.at, "agent_timeout");
    const row = q.get.get(input.id);
    if (!row) throw new Error(`action ${input.id} vanished`);
    return { ok: true, recorded: true, action: actionFromRow(row) };
  };

  const list = (query: ListQuery) => {
    const before = decodeListCursor(query.cursor);
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: query.limit + 1 };
    if (before !== null) {
      where.push("seq < @before");
      params.before = before;
    }
    if (query.status === "pending") {
      where.push("status = 'pending'"); // a literal, so the partial index of pending rows is used
    } else if (query.status === "decided") {
      where.push("status <> 'pending'");
    } else if (query.status !== undefined) {
      where.push("status = @status");
      params.status = query.status;
    }
    if (query.agentId !== undefined) {
      where.push("agent_id = @agent_id");
      params.agent_id = query.agentId;
    }
    const sql = `SELECT ${cols} FROM actions ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY seq DESC LIMIT @limit`;
    const rows = db.prepare<[Record<string, string | number>], ActionRow>(sql).all(params);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      actions: page.map(actionFromRow),
      nextCursor: rows.length > query.limit && last ? encodeListCursor(Number(last.seq)) : null,
    };
  };

  const slackMessages = createSqliteSlackMessages(db);

  return {
    reviewerState: createSqliteReviewerState(db, groupCommit),
    async init() {},
    slackMessages: () => slackMessages,
    create(input) {
      return groupCommit.run(() => create(input), { singleStatement: true });
    },
    async get(id) {
      const row = q.get.get(id);
      return row ? actionFromRow(row) : undefined;
    },
    async list(query) {
      return list(query);
    },
    transition(input) {
      return groupCommit.run(() => transition(input), { singleStatement: true });
    },
    update(input) {
      return groupCommit.run(() => pending.update(input), { singleStatement: true });
    },
    dueForEscalation: async (nowMs, limit) => pending.dueForEscalation(nowMs, limit),
    nextEscalation: async () => pending.nextEscalation(),
    async decisionsSince(query) {
      return q.decisions.all(query.agentId, query.after, query.limit).map(actionFromRow);
    },
    async latestDecisionSeq(agentId) {
      return q.latestDecision.get(agentId)?.n ?? 0;
    },
    async dueForExpiry(nowMs, limit) {
      return q.due.all(nowMs, limit).map((r) => r.id);
    },
    async nextExpiry() {
      return q.nextExpiry.get()?.at ?? null;
    },
    async auditLog(actionId): Promise<AuditEntry[]> {
      return q.auditLog.all(actionId).map(auditEntryFromRow);
    },
    async pendingCounts() {
      return q.pendingCounts.all().map(countFromRow);
    },
    recordAgentTimeout(input) {
      return groupCommit.run(() => recordAgentTimeout(input));
    },
    ...sqliteCallbackState(db, groupCommit),
    ...sqliteStats(db),
    async close() {
      if (!db.open) return;
      unwatch();
      groupCommit.flush();
      db.close();
    },
  };
}
