/**
 * @module store/postgres-pending-changes
 * The PostgreSQL store's changes of pending records (PROTOCOL.md, "Assignees, quorum and
 * escalation"): `update` (an approval, a modification, an escalation step) as one statement
 * that is compare-and-set on `revision` and appends its audit entry, the queries of due
 * escalation steps (`escalate_ms`), and why a conditional change was refused.
 */
import type pg from "pg";
import type { ActionStore, StoredAction, StoredRecord, TransitionResult } from "./action-store.js";
import { nextEscalationMs } from "./next-escalation.js";
import { type ActionRow, actionFromRow, changedAction } from "./sql-rows.js";

/** What {@link createPostgresPendingChanges} answers. */
export interface PostgresPendingChanges
  extends Pick<ActionStore, "update" | "dueForEscalation" | "nextEscalation"> {
  /** Why a conditional change of `id` at `revision` did not apply, from the row as it is now. */
  whyNot(
    id: string,
    revision: number,
    input: { notExpiredAt?: number },
  ): Promise<TransitionResult & { ok: false }>;
}

/**
 * PostgreSQL text cannot hold U+0000 (the query fails), and no stored id or agent id holds
 * one, so a lookup key with it matches nothing (a hostile URL must not cause a 500).
 */
export const unstorable = (value: string | undefined) => value?.includes("\u0000") === true;

/** Why a change of `current` cannot apply (not pending, expired, stale), if it cannot. */
export function refuse(
  current: StoredAction,
  input: { notExpiredAt?: number; revision?: number },
): (TransitionResult & { ok: false }) | undefined {
  if (current.record.status !== "pending") {
    return { ok: false, reason: "not_pending", action: current };
  }
  if (Date.parse(current.record.expires_at) <= (input.notExpiredAt ?? Number.MIN_SAFE_INTEGER)) {
    return { ok: false, reason: "expired", action: current };
  }
  if (input.revision !== undefined && input.revision !== current.revision) {
    return { ok: false, reason: "stale", action: current };
  }
  return undefined;
}

/** Creates the pending-record changes over `pool`; `getRow` reads one action row. */
export function createPostgresPendingChanges(
  pool: pg.Pool,
  getRow: (db: pg.Pool, id: string) => Promise<ActionRow | undefined>,
): PostgresPendingChanges {
  const update: PostgresPendingChanges["update"] = async (input) => {
    if (unstorable(input.id)) return { ok: false, reason: "not_found" };
    const record: StoredRecord = { ...input.record, status: "pending", decision: null };
    const { rows } = await pool.query<{
      revision: number;
      request_hash: string;
      callback_url: string | null;
    }>(
      `WITH upd AS (
         UPDATE actions SET record = $2, escalate_ms = $3, revision = revision + 1
         WHERE id = $1 AND status = 'pending' AND expires_ms > $4 AND revision = $5
         RETURNING id, revision, request_hash, callback_url),
       audit AS (
         INSERT INTO audit_log (action_id, from_status, to_status, actor, at)
         SELECT id, 'pending', 'pending', $6, $7 FROM upd)
       SELECT revision, request_hash, callback_url FROM upd`,
      [
        input.id,
        JSON.stringify(record),
        nextEscalationMs(record),
        input.notExpiredAt ?? Number.MIN_SAFE_INTEGER,
        input.revision,
        input.actor,
        input.at,
      ],
    );
    const updated = rows[0];
    if (!updated) return whyNot(input.id, input.revision, input);
    return changedAction(record, updated);
  };

  /** Why a conditional change did not apply, from the row as it is now. */
  const whyNot: PostgresPendingChanges["whyNot"] = async (
    id: string,
    revision: number,
    input: { notExpiredAt?: number },
  ): Promise<TransitionResult & { ok: false }> => {
    const row = await getRow(pool, id);
    if (!row) return { ok: false, reason: "not_found" };
    const current = actionFromRow(row);
    return (
      refuse(current, { ...input, revision }) ?? { ok: false, reason: "stale", action: current }
    );
  };

  return {
    update,
    whyNot,
    async dueForEscalation(nowMs, limit) {
      const { rows } = await pool.query<{ id: string }>(
        `SELECT id FROM actions WHERE status = 'pending' AND escalate_ms IS NOT NULL
           AND escalate_ms <= $1 ORDER BY escalate_ms LIMIT $2`,
        [nowMs, limit],
      );
      return rows.map((r) => r.id);
    },
    async nextEscalation() {
      const { rows } = await pool.query<{ at: string | null }>(
        `SELECT MIN(escalate_ms) AS at FROM actions
         WHERE status = 'pending' AND escalate_ms IS NOT NULL`,
      );
      const at = rows[0]?.at;
      return at === null || at === undefined ? null : Number(at);
    },
  };
}
