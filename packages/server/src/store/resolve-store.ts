/**
 * @module store/resolve-store
 * Turns `createInbox`'s `store` option into an {@link ActionStore} (and, for PostgreSQL, its
 * notifier). The SQLite and PostgreSQL drivers (`sqlite.ts`, `postgres.ts`) are imported
 * only when the option names them, so an inbox on another store never loads
 * `better-sqlite3` or `pg`.
 */
import type { DecisionNotifier } from "../inbox/decision-notifier.js";
import { lazyNotifier } from "../inbox/lazy-notifier.js";
import type { ActionStore } from "./action-store.js";
import { lazyStore } from "./lazy-store.js";
import { createMemoryStore } from "./memory-store.js";

/**
 * `"memory"` -> memory store, a `postgres://` / `postgresql://` URL -> PostgreSQL store, another
 * string -> SQLite file, an object -> itself. `owned` is true when the inbox created the store
 * (and therefore closes it). A driver's store opens its database in `init()`.
 */
export function resolveStore(store: "memory" | string | ActionStore | undefined): {
  store: ActionStore;
  owned: boolean;
} {
  if (store === "memory") return { store: createMemoryStore(), owned: true };
  if (isPostgresUrl(store)) {
    return {
      store: lazyStore(async () =>
        (await import("../postgres.js")).createPostgresStore({ connectionString: store }),
      ),
      owned: true,
    };
  }
  if (store === undefined || typeof store === "string") {
    return {
      store: lazyStore(async () =>
        (await import("../sqlite.js")).createSqliteStore(
          store === undefined ? {} : { path: store },
        ),
      ),
      owned: true,
    };
  }
  return { store, owned: false };
}

/** The `LISTEN/NOTIFY` notifier of a PostgreSQL store given by URL (loads `pg` in the background). */
export function postgresNotifier(
  connectionString: string,
  onError: (error: unknown) => void,
): DecisionNotifier {
  return lazyNotifier(
    async () =>
      (await import("../postgres.js")).createPostgresNotifier({ connectionString, onError }),
    onError,
  );
}

/** True for a PostgreSQL connection URL (`postgres://...` or `postgresql://...`). */
export function isPostgresUrl(value: unknown): value is string {
  return typeof value === "string" && /^postgres(ql)?:\/\//i.test(value);
}
