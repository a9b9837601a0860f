/**
 * @module store/postgres-transaction
 * Runs a function in a transaction on one pooled PostgreSQL connection: COMMIT when it
 * returns, and when it throws the connection is destroyed (which rolls the transaction back)
 * rather than returned to the pool in an unknown state. While checked out, the connection
 * has an `error` listener of its own (the pool removes its listener on checkout): a
 * connection dropped between two queries of the transaction (PostgreSQL restarting while
 * `work` awaits something else) fails the transaction instead of crashing the process with
 * an unhandled `error` event.
 */
import type pg from "pg";

/** Runs `work` between BEGIN and COMMIT on one connection of `pool`. */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const lost = (error: Error) => {
    broken ??= error;
  };
  client.on("error", lost);
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    broken = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.removeListener("error", lost);
    client.release(broken);
  }
}
