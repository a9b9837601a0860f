/**
 * @module @safeguards/server/sqlite
 * The embedded SQLite store (`better-sqlite3`). `createInbox` loads it by itself for a file
 * path (and by default); import it to build the store yourself.
 */
export type { SqliteStoreOptions } from "./store/sqlite-store.js";
export { createSqliteStore, DEFAULT_SQLITE_PATH } from "./store/sqlite-store.js";
