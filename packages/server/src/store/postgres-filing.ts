/**
 * @module store/postgres-filing
 * Filing an action in the PostgreSQL store: one statement inserts the pending row and its
 * `created` audit entry (a duplicate id writes nothing); with a pending quota, filings of
 * one agent are serialised by an advisory lock so the count and the insert cannot race.
 */
import type pg from "pg";
import type { ActionStore, CreateResult, NewAction } from "./action-store.js";
import { inTransaction } from "./postgres-transaction.js";
import { type ActionRow, actionFromRow, insertValues } from "./sql-rows.js";

/**
 * First key of the per-agent advisory locks of quota-checked filings (the second is a hash of
 * the agent id); distinct from the namespace of the schema's own locks.
 */
const PENDING_QUOTA_LOCK_NAMESPACE = 0x5afe_0002;

/** The filing statement: insert + `created` audit entry; `condition` may guard the insert. */
const insertSql = (condition: string) => `WITH ins AS (
    INSERT INTO actions
      (id, agent_id, status, expires_ms, request_hash, callback_url, record, escalate_ms)
    SELECT $1::text, $2::text, $3::text, $4::bigint, $5::text, $6::text, $7::text, $10::bigint
      ${condition}
    ON CONFLICT (id) DO NOTHING
    RETURNING id, status)
  INSERT INTO audit_log (action_id, from_status, to_status, actor, at)
  SELECT id, NULL, status, $8, $9 FROM ins`;

/** The `create` of the PostgreSQL {@link ActionStore} over `pool`; `getRow` reads one action row. */
export function postgresCreate(
  pool: pg.Pool,
  getRow: (db: pg.Pool, id: string) => Promise<ActionRow | undefined>,
): ActionStore["create"] {
  const create = async (input: NewAction): Promise<CreateResult> => {
    const r = input.record;
    const values = insertValues(input);
    const rowCount =
      input.maxPending === undefined
        ? (await pool.query(insertSql(""), values)).rowCount
        : await insertUnderQuota(values, r.agent_id, input.maxPending);
    const row = await getRow(pool, r.id);
    if (row) return { created: rowCount === 1, action: actionFromRow(row) };
    if (input.maxPending !== undefined) return { created: false, refused: "too_many_pending" };
    throw new Error(`action ${r.id} vanished after insert`);
  };

  /**
   * Inserts only while the agent has fewer than `max` pending actions. Under READ COMMITTED
   * two concurrent counts would not see each other's insert, so filings of one agent are
   * serialised by a transaction-level advisory lock on the agent, taken in a statement
   * before the counting one (which then sees every earlier filing committed).
   */
  const insertUnderQuota = (values: unknown[], agentId: string, max: number) =>
    inTransaction(pool, async (client) => {
      await client.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [
        PENDING_QUOTA_LOCK_NAMESPACE,
        agentId,
      ]);
      const { rowCount } = await client.query(
        insertSql(
          "WHERE (SELECT COUNT(*) FROM actions WHERE agent_id = $2 AND status = 'pending') < $11::bigint",
        ),
        [...values, max],
      );
      return rowCount;
    });

  return create;
}
