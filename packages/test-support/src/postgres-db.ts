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

/**
 * Waits (2 s at most) until no session is connected to `name`. A pool that was just ended
 * may still be closing its clients; `WITH (FORCE)` would terminate them mid-close and their
 * pool reports that as an unhandled error in whichever test file runs next.
 */
async function closingSessions(client: pg.Client, name: string): Promise<void> {
  const end = Date.now() + 2000;
  while (Date.now() < end) {
    const { rows } = await client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1",
      [name],
    );
    if (rows[0]?.n === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

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
      withAdmin(async (c) => {
        await closingSessions(c, name);
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }),
  };
}
