/**
 * @module store/sqlite-connection
 * Opening the SQLite store's file: its folder created, WAL journal, busy timeout, foreign
 * keys, the schema migrated, and WAL checkpoints in a background thread
 * (`sqlite-checkpointer.ts`) unless turned off or `":memory:"`.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { watchCheckpoints } from "./sqlite-checkpointer.js";
import { migrateSqlite } from "./sqlite-schema.js";

/** Default database file, relative to the working directory. */
export const DEFAULT_SQLITE_PATH = ".safeguards/inbox.db";

/** Options of `createSqliteStore` (`sqlite-store.ts`). */
export interface SqliteStoreOptions {
  /** Database file; its folder is created. `":memory:"` works too. @default ".safeguards/inbox.db" */
  path?: string;
  /** How long a writer waits for another process's lock (ms). @default 5000 */
  busyTimeoutMs?: number;
  /**
   * Run WAL checkpoints in a background thread instead of inside a commit (ignored for
   * `":memory:"`). @default true
   */
  backgroundCheckpoints?: boolean;
  /** Time between two background checkpoints (ms). @default 100 */
  checkpointIntervalMs?: number;
}

/** WAL pages after which a commit checkpoints by itself (SQLite's default is 1,000). */
const FALLBACK_AUTOCHECKPOINT = 10_000;

/** An open, migrated SQLite database and how to stop its background checkpoints. */
export interface SqliteConnection {
  db: Database.Database;
  /** Stops the background checkpoints (a no-op without them). */
  unwatch: () => void;
}

/** Opens and migrates the database of {@link SqliteStoreOptions} `options`. */
export function openSqlite(options: SqliteStoreOptions): SqliteConnection {
  const path = options.path ?? DEFAULT_SQLITE_PATH;
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
  db.pragma("foreign_keys = ON");
  migrateSqlite(db);
  let unwatch = () => {};
  if (path !== ":memory:" && options.backgroundCheckpoints !== false) {
    // The background thread checkpoints; a commit does so itself only if it falls far behind.
    db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT}`);
    db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
    unwatch = watchCheckpoints(path, {
      ...(options.checkpointIntervalMs ? { intervalMs: options.checkpointIntervalMs } : {}),
      onFailure: () => {
        if (db.open) db.pragma("wal_autocheckpoint = 1000");
      },
    });
  }
  return { db, unwatch };
}
