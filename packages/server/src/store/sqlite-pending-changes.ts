/**
 * @module store/sqlite-pending-changes
 * The SQLite store's changes of pending records (PROTOCOL.md, "Assignees, quorum and
 * escalation"): `update` (an approval, a modification, an escalation step) as one statement,
 * compare-and-set on `revision`, whose audit entry the schema's trigger writes; the queries
 * of due escalation steps (`escalate_ms`); and why a conditional change was refused.
 * `update` and `whyNot` run inside the store's group commit.
 */
import type Database from "better-sqlite3";
import { escalatedMsOf, groupKeyOf } from "./action-stats.js";
import type { StoredRecord, TransitionResult, UpdateInput } from "./action-store.js";
import { nextEscalationMs } from "./next-escalation.js";
import { type ActionRow, actionFromRow, changedAction } from "./sql-rows.js";

/** The SQLite store's pending-record changes. */
export interface SqlitePendingChanges {
  /** One conditional statement (run it inside a group commit). */
  update(input: UpdateInput): TransitionResult;
  /** Why a conditional change of `id` did not apply (read after the refused statement). */
  whyNot(id: string, revision: number | undefined): TransitionResult;
  dueForEscalation(nowMs: number, limit: number): string[];
  nextEscalation(): number | null;
}

/** Prepares the statements on `db`; `getRow` reads one action row. */
export function createSqlitePendingChanges(
  db: Database.Database,
  getRow: (id: string) => ActionRow | undefined,
): SqlitePendingChanges {
  const q = {
    // status is SET (to itself) so the audit trigger writes the pending -> pending entry.
    update: db.prepare<
      [string, number | null, string, number | null, string, string, string, number, number],
      { request_hash: string; callback_url: string | null; revision: number }
    >(
      `UPDATE actions SET status = 'pending', record = ?, escalate_ms = ?, revision = revision + 1,
         group_key = ?, escalated_ms = ?, changed_by = ?, changed_at = ?
       WHERE id = ? AND status = 'pending' AND expires_ms > ? AND revision = ?
       RETURNING request_hash, callback_url, revision`,
    ),
    dueEscalation: db.prepare<[number, number], { id: string }>(
      `SELECT id FROM actions WHERE status = 'pending' AND escalate_ms IS NOT NULL
         AND escalate_ms <= ? ORDER BY escalate_ms LIMIT ?`,
    ),
    nextEscalation: db.prepare<[], { at: number | null }>(
      `SELECT MIN(escalate_ms) AS at FROM actions
       WHERE status = 'pending' AND escalate_ms IS NOT NULL`,
    ),
  };

  /** Runs inside a group commit; writes with one statement (audit entry by trigger). */
  const update = (input: UpdateInput): TransitionResult => {
    const record: StoredRecord = { ...input.record, status: "pending", decision: null };
    const updated = q.update.get(
      JSON.stringify(record),
      nextEscalationMs(record),
      groupKeyOf(record),
      escalatedMsOf(record),
      input.actor,
      input.at,
      input.id,
      input.notExpiredAt ?? Number.MIN_SAFE_INTEGER,
      input.revision,
    );
    if (!updated) return whyNot(input.id, input.revision);
    return changedAction(record, updated);
  };

  /** Why a conditional change of `id` did not apply (read after the refused statement). */
  const whyNot = (id: string, revision: number | undefined): TransitionResult => {
    const now = getRow(id);
    if (!now) return { ok: false, reason: "not_found" };
    const current = actionFromRow(now);
    if (current.record.status !== "pending") {
      return { ok: false, reason: "not_pending", action: current };
    }
    const stale = revision !== undefined && current.revision !== revision;
    return { ok: false, reason: stale ? "stale" : "expired", action: current };
  };

  return {
    update,
    whyNot,
    dueForEscalation: (nowMs, limit) => q.dueEscalation.all(nowMs, limit).map((r) => r.id),
    nextEscalation: () => q.nextEscalation.get()?.at ?? null,
  };
}
