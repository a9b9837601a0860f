/**
 * @module store/sqlite-callbacks
 * The owed-callback part of the SQLite store: which decided actions still owe their
 * callback, how each delivery ended, and the lease of the instance sending one (one
 * statement each, atomic under SQLite's single writer, also across processes on one file).
 */
import type Database from "better-sqlite3";
import type { ActionStore, CallbackState } from "./action-store.js";
import {
  type ActionRow,
  actionFromRow,
  byDecisionSeq,
  ACTION_COLUMNS as cols,
} from "./sql-rows.js";
import type { GroupCommit } from "./sqlite-group-commit.js";

/** The callback methods of the SQLite {@link ActionStore} on `db`, writing through `groupCommit`. */
export function sqliteCallbackState(
  db: Database.Database,
  groupCommit: GroupCommit,
): CallbackState {
  const q = {
    pendingCallbacks: db.prepare<[number], ActionRow>(
      `SELECT ${cols} FROM actions WHERE callback_state = 'pending' ORDER BY decision_seq LIMIT ?`,
    ),
    settleCallback: db.prepare<[string, string]>(
      "UPDATE actions SET callback_state = ? WHERE id = ? AND callback_state = 'pending'",
    ),
    // One statement: SQLite's single writer makes the check and the lease atomic.
    leaseCallbacks: db.prepare<
      [string, number, number, string | null, string | null, number],
      ActionRow
    >(
      `UPDATE actions SET callback_lease_owner = ?, callback_lease_until = ?
       WHERE id IN (SELECT id FROM actions WHERE callback_state = 'pending'
         AND (callback_lease_until IS NULL OR callback_lease_until <= ?)
         AND (? IS NULL OR id = ?) ORDER BY decision_seq LIMIT ?)
       RETURNING ${cols}`,
    ),
    renewLeases: db.prepare<[number, string]>(
      `UPDATE actions SET callback_lease_until = ?
       WHERE callback_lease_owner = ? AND callback_state = 'pending'`,
    ),
    releaseLeases: db.prepare<[string]>(
      `UPDATE actions SET callback_lease_owner = NULL, callback_lease_until = NULL
       WHERE callback_lease_owner = ? AND callback_state = 'pending'`,
    ),
  };
  return {
    async pendingCallbacks(limit) {
      return q.pendingCallbacks.all(limit).map(actionFromRow);
    },
    settleCallback(actionId, outcome) {
      return groupCommit.run(() => void q.settleCallback.run(outcome, actionId), {
        singleStatement: true,
      });
    },
    async leaseCallbacks(query) {
      const id = query.actionId ?? null;
      const rows = await groupCommit.run(
        () => q.leaseCallbacks.all(query.owner, query.untilMs, query.nowMs, id, id, query.limit),
        { singleStatement: true },
      );
      return rows.map(actionFromRow).sort(byDecisionSeq);
    },
    renewCallbackLeases(owner, untilMs) {
      return groupCommit.run(() => q.renewLeases.run(untilMs, owner).changes, {
        singleStatement: true,
      });
    },
    releaseCallbackLeases(owner) {
      return groupCommit.run(() => void q.releaseLeases.run(owner), { singleStatement: true });
    },
  };
}
