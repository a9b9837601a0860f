/**
 * inTransaction on a real PostgreSQL: a connection dropped while the transaction awaits
 * something else (no query running, as when PostgreSQL restarts mid-decision) fails that
 * transaction, rolled back, instead of crashing the process with an unhandled `error` event;
 * the pool serves the next transaction. A connection that errs in the moment between the
 * pool handing it out and the caller listening (PostgreSQL's shutdown message read together
 * with the connection's last reply) does not crash the process either.
 */
import { createTestDatabase, PG_TEST_URL, type TestDatabase } from "@safeguards/test-support";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inTransaction } from "../src/store/postgres-transaction.js";

describe.runIf(PG_TEST_URL)("inTransaction when the connection drops between queries", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let admin: pg.Pool;
  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    admin = new pg.Pool({ connectionString: db.url, max: 1 });
    await admin.query("CREATE TABLE t (n INT)");
  });
  afterAll(async () => {
    await pool?.end();
    await admin?.end();
    await db?.drop();
  });

  it("rejects the transaction, keeps the process alive, and the pool serves again", async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", onUncaught);
    try {
      const dropped = inTransaction(pool, async (client) => {
        await client.query("INSERT INTO t VALUES (1)");
        const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
        // The backend is terminated while no query of this client is running.
        await admin.query("SELECT pg_terminate_backend($1)", [rows[0]?.pid]);
        await new Promise((r) => setTimeout(r, 300));
        await client.query("INSERT INTO t VALUES (2)");
      });
      await expect(dropped).rejects.toThrow();
      expect(uncaught).toEqual([]);
    } finally {
      process.off("uncaughtException", onUncaught);
    }
    expect((await admin.query("SELECT count(*)::int AS n FROM t")).rows[0].n).toBe(0);
    await inTransaction(pool, (client) => client.query("INSERT INTO t VALUES (3)"));
    expect((await admin.query("SELECT count(*)::int AS n FROM t")).rows[0].n).toBe(1);
  });

  it("survives an error emitted between the pool handing a connection out and the caller", async () => {
    const fresh = new pg.Pool({ connectionString: db.url, max: 1 });
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", onUncaught);
    // Runs before `await pool.connect()` resumes its caller: the gap pg-pool leaves without
    // any error listener on the connection (its own is removed on checkout).
    const inTheGap = (client: pg.PoolClient) =>
      queueMicrotask(() => {
        if (client.listenerCount("error") === 0) uncaught.push(new Error("no error listener"));
        else client.emit("error", new Error("terminating connection (simulated)"));
      });
    fresh.on("acquire", inTheGap);
    try {
      // The transaction runs on: the simulated error did not break the socket.
      await inTransaction(fresh, (client) => client.query("INSERT INTO t VALUES (4)"));
      await inTransaction(fresh, (client) => client.query("DELETE FROM t WHERE n = 4"));
      expect(uncaught).toEqual([]);
    } finally {
      process.off("uncaughtException", onUncaught);
      fresh.off("acquire", inTheGap);
      await fresh.end();
    }
  });
});
