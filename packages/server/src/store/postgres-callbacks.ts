/**
 * @module store/postgres-callbacks
 * The owed-callback part of the PostgreSQL store: which decided actions still owe their
 * callback, how each delivery ended, and the lease of the instance sending one (taken with a
 * conditional `UPDATE` over `FOR UPDATE SKIP LOCKED`, so two instances never hold the same).
 */
import type pg from "pg";
import type { ActionStore, CallbackState } from "./action-store.js";
import { unstorable } from "./postgres-text.js";
import {
  type ActionRow,
  actionFromRow,
  byDecisionSeq,
  ACTION_COLUMNS as COLS,
} from "./sql-rows.js";

/** The callback methods of the PostgreSQL {@link ActionStore} on `pool`. */
export function postgresCallbackState(pool: pg.Pool): CallbackState {
  return {
    async pendingCallbacks(limit) {
      const { rows } = await pool.query<ActionRow>(
        `SELECT ${COLS} FROM actions WHERE callback_state = 'pending'
       ORDER BY decision_seq LIMIT $1`,
        [limit],
      );
      return rows.map(actionFromRow);
    },
    async settleCallback(actionId, outcome) {
      await pool.query(
        "UPDATE actions SET callback_state = $1 WHERE id = $2 AND callback_state = 'pending'",
        [outcome, actionId],
      );
    },
    async leaseCallbacks(query) {
      if (unstorable(query.owner) || unstorable(query.actionId)) return [];
      // SKIP LOCKED: a row another instance is leasing right now is left to it; the subquery's
      // conditions are checked again on the row's latest version once it is locked.
      const { rows } = await pool.query<ActionRow>(
        `UPDATE actions SET callback_lease_owner = $1, callback_lease_until = $2
       WHERE id IN (SELECT id FROM actions WHERE callback_state = 'pending'
         AND (callback_lease_until IS NULL OR callback_lease_until <= $3)
         AND ($4::text IS NULL OR id = $4::text)
         ORDER BY decision_seq LIMIT $5 FOR UPDATE SKIP LOCKED)
       RETURNING ${COLS}`,
        [query.owner, query.untilMs, query.nowMs, query.actionId ?? null, query.limit],
      );
      return rows.map(actionFromRow).sort(byDecisionSeq);
    },
    async renewCallbackLeases(owner, untilMs) {
      if (unstorable(owner)) return 0;
      const { rowCount } = await pool.query(
        `UPDATE actions SET callback_lease_until = $1
       WHERE callback_lease_owner = $2 AND callback_state = 'pending'`,
        [untilMs, owner],
      );
      return rowCount ?? 0;
    },
    async releaseCallbackLeases(owner) {
      if (unstorable(owner)) return;
      await pool.query(
        `UPDATE actions SET callback_lease_owner = NULL, callback_lease_until = NULL
       WHERE callback_lease_owner = $1 AND callback_state = 'pending'`,
        [owner],
      );
    },
  };
}
