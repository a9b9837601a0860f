/**
 * @module store/postgres-transaction
 * Runs a function in a transaction on one pooled PostgreSQL connection: COMMIT when it
 * returns, and when it throws the connection is destroyed (which rolls the transaction back)
 * rather than returned to the pool in an unknown state.
 */
import type pg from "pg";

/** Runs `work` between BEGIN and COMMIT on one connection of `pool`. */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    broken = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.release(broken);
  }
}
