/**
 * @module store/sqlite-group-commit
 * Group commit for the SQLite store. State changes requested during one turn of the event
 * loop (concurrent HTTP requests) run together in ONE `BEGIN IMMEDIATE ... COMMIT`. A change
 * that throws is rolled back alone (the others still apply): by default each change runs in
 * its own SAVEPOINT; a change declared `singleStatement` (it writes with at most one
 * statement, which SQLite makes atomic by itself) skips the savepoint. No caller hears "done"
 * before the COMMIT has returned; when the BEGIN or COMMIT fails, or SQLite abandons the
 * transaction in the middle (an I/O error, a full disk), every change of the batch is
 * reported failed and none is stored. The changes run one after another in the order they
 * were asked for, on one connection, so "first decision wins" and the commit order of
 * decision numbers hold as before. What it saves: the per-commit cost (WAL frame writes of
 * the shared index and sequence pages), paid once per batch instead of per change.
 */
import type Database from "better-sqlite3";

/** Options of {@link createGroupCommit}. */
export interface GroupCommitOptions {
  /** Most changes in one transaction; the rest go into the next one. @default 64 */
  maxBatch?: number;
}

/** Runs synchronous write functions inside shared transactions. */
export interface GroupCommit {
  /**
   * Runs `change` in the next batch's transaction, in its own savepoint unless
   * `singleStatement` says it writes with at most one statement.
   */
  run<T>(change: () => T, options?: { singleStatement?: boolean }): Promise<T>;
  /** Runs whatever is queued now (before closing the database). */
  flush(): void;
}

interface Pending {
  change: () => unknown;
  singleStatement: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  ok: boolean;
  value: unknown;
}

/** Creates a {@link GroupCommit} on `db`. */
export function createGroupCommit(
  db: Database.Database,
  options: GroupCommitOptions = {},
): GroupCommit {
  const maxBatch = options.maxBatch ?? 64;
  let queue: Pending[] = [];
  let scheduled = false;

  // Called inside the outer transaction, a better-sqlite3 transaction function uses a
  // SAVEPOINT and rolls back to it when the function throws.
  const inSavepoint = db.transaction((change: () => unknown) => change());
  const runBatch = db.transaction((batch: Pending[]) => {
    for (const item of batch) {
      try {
        item.value = item.singleStatement ? item.change() : inSavepoint(item.change);
        item.ok = true;
      } catch (error) {
        // Some errors (I/O, full disk) make SQLite roll back the whole transaction: then the
        // changes before this one are gone too, and later ones must not run outside it.
        if (!db.inTransaction) throw error;
        item.value = error;
      }
    }
  });

  const flush = () => {
    scheduled = false;
    while (queue.length > 0) {
      const batch = queue.length > maxBatch ? queue.splice(0, maxBatch) : queue;
      if (batch === queue) queue = [];
      try {
        runBatch.immediate(batch);
      } catch (error) {
        // BEGIN or COMMIT failed, or the transaction was lost: the whole batch was rolled back.
        for (const item of batch) item.reject(error);
        continue;
      }
      for (const item of batch) {
        if (item.ok) item.resolve(item.value);
        else item.reject(item.value);
      }
    }
  };

  return {
    run<T>(change: () => T, runOptions?: { singleStatement?: boolean }) {
      return new Promise<T>((resolve, reject) => {
        queue.push({
          change,
          singleStatement: runOptions?.singleStatement === true,
          resolve: resolve as (value: unknown) => void,
          reject,
          ok: false,
          value: undefined,
        });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    flush,
  };
}
