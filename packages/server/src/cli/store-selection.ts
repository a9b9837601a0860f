/**
 * @module cli/store-selection
 * How the CLI picks its store: `--database-url` (or `DATABASE_URL`) selects PostgreSQL,
 * `--db` a SQLite file (or `"memory"`); giving both is an error.
 */
import { InvalidConfigError } from "@safeguards/core";
import { isPostgresUrl } from "../store/resolve-store.js";
import { DEFAULT_SQLITE_PATH } from "../store/sqlite-store.js";

/** Inputs of {@link selectStore}. */
export interface StoreSelectionInput {
  /** `--db`, if given. */
  db?: string | undefined;
  /** `--database-url`, if given. */
  databaseUrl?: string | undefined;
  /** `process.env.DATABASE_URL`. */
  envDatabaseUrl?: string | undefined;
}

/** The chosen `store` option, and a label safe to log (no password). */
export interface StoreSelection {
  store: string;
  label: string;
}

/** Picks the store: `--database-url` > `--db` > `DATABASE_URL` > the default SQLite file. */
export function selectStore(input: StoreSelectionInput): StoreSelection {
  if (input.db !== undefined && input.databaseUrl !== undefined) {
    throw new InvalidConfigError("Give --db (SQLite) or --database-url (PostgreSQL), not both");
  }
  const url =
    input.databaseUrl ?? (input.db === undefined ? input.envDatabaseUrl || undefined : undefined);
  if (url !== undefined) {
    if (!isPostgresUrl(url)) {
      throw new InvalidConfigError(
        "--database-url / DATABASE_URL must be a postgres:// or postgresql:// URL",
      );
    }
    return { store: url, label: redactUrl(url) };
  }
  const path = input.db ?? DEFAULT_SQLITE_PATH;
  return { store: path, label: path };
}

/** The URL without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "postgres://(unparsable URL)";
  }
}
