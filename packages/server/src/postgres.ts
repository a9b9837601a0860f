/**
 * @module @safeguards/server/postgres
 * The PostgreSQL store, its migrations and the `LISTEN/NOTIFY` decision notifier (`pg`), for
 * several inbox instances on one database. `createInbox` loads them by itself for a
 * `postgres://` URL; import them to build the store and notifier yourself.
 */
export type {
  PostgresNotifier,
  PostgresNotifierOptions,
} from "./inbox/postgres-notifier.js";
export { createPostgresNotifier, DEFAULT_NOTIFY_CHANNEL } from "./inbox/postgres-notifier.js";
export type { MigrationReport, PostgresMigration } from "./store/postgres-migrations.js";
export { migratePostgres } from "./store/postgres-migrations.js";
export type { PostgresStoreOptions } from "./store/postgres-store.js";
export { createPostgresStore } from "./store/postgres-store.js";
