/**
 * @module store/postgres-transaction
 * Runs a function in a transaction on one pooled PostgreSQL connection: COMMIT when it
 * returns, and when it throws the connection is destroyed (which rolls the transaction back)
 * rather than returned to the pool in an unknown state. While checked out, the connection
 * has an `error` listener of its own (the pool removes its listener on checkout): a
 * connection dropped between two queries of the transaction (PostgreSQL restarting while
 * `work` awaits something else) fails the transaction instead of crashing the process with
 * an unhandled `error` event. {@link guardPoolClients} closes the gap before that listener:
 * the pool hands a connection over with no listener at all until the caller's code runs.
 */
import type pg from "pg";

const guardedPools = new WeakSet<pg.Pool>();
const ignoreClientError = () => {};

/**
 * Gives every connection `pool` opens an `error` listener for its whole life. pg-pool takes
 * its own listener off a connection when it hands it out, and PostgreSQL shutting down can
 * send its "terminating connection" message in the same network read that completed the
 * connection (or the previous query): then the connection emits `error` before the caller
 * has had a chance to listen, and an `error` event with no listener ends the process. The
 * error is not lost: the connection is unusable, so its next query fails. Idempotent.
 */
export function guardPoolClients(pool: pg.Pool): void {
  if (guardedPools.has(pool)) return;
  guardedPools.add(pool);
  pool.on("connect", (client) => client.on("error", ignoreClientError));
}

/** Runs `work` between BEGIN and COMMIT on one connection of `pool`. */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  guardPoolClients(pool);
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
