/**
 * @module postgres-db
 * Throwaway PostgreSQL databases for tests. The cluster's URL comes from
 * `SAFEGUARDS_TEST_DATABASE_URL` (`eval "$(bash scripts/start-postgres.sh)"` sets it). Without
 * it the PostgreSQL tests are not run locally (`describe.runIf(PG_TEST_URL)`), but under `CI`
 * loading this module fails: CI never skips them.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

/** The admin URL of the test cluster, or `undefined` (locally) when none is configured. */
export const PG_TEST_URL = process.env.SAFEGUARDS_TEST_DATABASE_URL || undefined;

if (!PG_TEST_URL && process.env.CI) {
  throw new Error(
    'SAFEGUARDS_TEST_DATABASE_URL is not set, but CI is: run eval "$(bash scripts/start-postgres.sh)" first (CI never skips the PostgreSQL tests)',
  );
}

/** A fresh, empty database on the test cluster. */
export interface TestDatabase {
  url: string;
  name: string;
  /** Drops the database (closing its remaining connections). */
  drop(): Promise<void>;
}

const withAdmin = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
  if (!PG_TEST_URL) throw new Error("SAFEGUARDS_TEST_DATABASE_URL is not set");
  const client = new pg.Client({ connectionString: PG_TEST_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
};

/** Creates a database with a random name (`<prefix>_...`) and answers its URL. */
export async function createTestDatabase(prefix = "sg_test"): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE template0 STRATEGY FILE_COPY`));
  const url = new URL(PG_TEST_URL as string);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () =>
      withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}
