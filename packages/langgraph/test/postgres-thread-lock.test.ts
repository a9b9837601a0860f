import {
  createTestDatabase,
  eventually,
  PG_TEST_URL,
  type TestDatabase,
} from "@safeguards/test-support";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresThreadLock, type ThreadLock } from "../src/thread-lock.js";

describe.runIf(PG_TEST_URL)("PostgreSQL thread lock (two workers, two pools)", () => {
  let db: TestDatabase;
  const pools: pg.Pool[] = [];
  const locks: ThreadLock[] = [];

  beforeAll(async () => {
    db = await createTestDatabase("sg_lg");
  });
  afterAll(async () => {
    for (const lock of locks) await lock.close();
    for (const pool of pools) await pool.end();
    await db?.drop();
  });

  function worker(): ThreadLock {
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    pools.push(pool);
    const lock = createPostgresThreadLock({ pool, retryMs: 5, maxRetryMs: 20 });
    locks.push(lock);
    return lock;
  }

  const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it("runs work on the same thread one at a time across workers, other threads at once", async () => {
    const [a, b] = [worker(), worker()];
    const events: string[] = [];
    const job = (lock: ThreadLock, thread: string, name: string) =>
      lock.withLock(thread, async () => {
        events.push(`${name}+`);
        await tick(60);
        events.push(`${name}-`);
        return name;
      });
    const results = await Promise.all([
      job(a, "t1", "a1"),
      job(b, "t1", "b1"),
      job(a, "t1", "a2"),
      job(b, "t2", "b2"),
    ]);
    expect(results).toEqual(["a1", "b1", "a2", "b2"]);
    const t1 = events.filter((e) => !e.startsWith("b2"));
    for (let i = 0; i < t1.length; i += 2) {
      expect(t1[i]!.slice(0, -1)).toBe(t1[i + 1]!.slice(0, -1)); // enter, then the same exits
    }
    // t2 ran while t1 was held: b2 entered before the first t1 job left
    expect(events.indexOf("b2+")).toBeLessThan(events.indexOf(t1[1]!));
  });

  it("releases the lock when the work throws", async () => {
    const [a, b] = [worker(), worker()];
    await expect(
      a.withLock("t3", async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await b.withLock("t3", async () => "got it")).toBe("got it");
  });

  it("close() drops the connection, so a worker that goes away frees its threads", async () => {
    const [a, b] = [worker(), worker()];
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered: () => void = () => {};
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const first = a.withLock("t4", async () => {
      entered();
      await held;
    });
    await inside;
    let bRan = false;
    const second = b.withLock("t4", async () => {
      bRan = true;
    });
    await tick(80);
    expect(bRan).toBe(false);
    await a.close();
    await second;
    expect(bRan).toBe(true);
    release();
    await first;
  });

  it("survives its idle connection being terminated (PostgreSQL restarting), then reconnects", async () => {
    const lock = worker();
    const admin = new pg.Pool({ connectionString: db.url, max: 1 });
    pools.push(admin);
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", onUncaught);
    try {
      const pid = await lock.withLock("t9", async () => {
        const { rows } = await admin.query<{ pid: number }>(
          "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted LIMIT 1",
        );
        return rows[0]?.pid;
      });
      expect(pid).toBeTypeOf("number");
      // The lock's connection is idle now; terminating its backend sends it an error.
      await admin.query("SELECT pg_terminate_backend($1)", [pid]);
      await eventually(
        async () =>
          (await admin.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1", [pid])).rows
            .length === 0,
      );
      await tick(100);
      expect(uncaught).toEqual([]);
      expect(await lock.withLock("t9", async () => "again")).toBe("again");
    } finally {
      process.off("uncaughtException", onUncaught);
    }
  });
});
