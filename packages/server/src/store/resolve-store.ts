/**
 * @module store/resolve-store
 * Turns `createInbox`'s `store` option into an {@link ActionStore}.
 */
import type { ActionStore } from "./action-store.js";
import { createMemoryStore } from "./memory-store.js";
import { createPostgresStore } from "./postgres-store.js";
import { createSqliteStore, DEFAULT_SQLITE_PATH } from "./sqlite-store.js";

/**
 * `"memory"` -> memory store, a `postgres://` / `postgresql://` URL -> PostgreSQL store, another
 * string -> SQLite file, an object -> itself. `owned` is true when the inbox created the store
 * (and therefore closes it).
 */
export function resolveStore(store: "memory" | string | ActionStore | undefined): {
  store: ActionStore;
  owned: boolean;
} {
  if (store === "memory") return { store: createMemoryStore(), owned: true };
  if (isPostgresUrl(store)) {
    return { store: createPostgresStore({ connectionString: store }), owned: true };
  }
  if (store === undefined || typeof store === "string") {
    return { store: createSqliteStore({ path: store ?? DEFAULT_SQLITE_PATH }), owned: true };
  }
  return { store, owned: false };
}

/** True for a PostgreSQL connection URL (`postgres://...` or `postgresql://...`). */
export function isPostgresUrl(value: unknown): value is string {
  return typeof value === "string" && /^postgres(ql)?:\/\//i.test(value);
}
