import {
  createTestDatabase,
  eventually,
  PG_TEST_URL,
  type TestDatabase,
} from "@safeguards/test-support";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ActionStore } from "../src/store/action-store.js";
import { DECISION_AGENT_LOCK_NAMESPACE } from "../src/store/postgres-migrations.js";
import { createPostgresStore } from "../src/store/postgres-store.js";
import { decide, file } from "./store-contract.js";

// Two stores = two Pools = what two inbox instances on one database do.
describe.runIf(PG_TEST_URL)("PostgreSQL store under concurrency (two Pools)", () => {
  let db: TestDatabase;
  let a: ActionStore;
  let b: ActionStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    a = createPostgresStore({ connectionString: db.url, maxConnections: 12 });
    b = createPostgresStore({ connectionString: db.url, maxConnections: 12 });
    await Promise.all([a.init(), b.init()]);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it("lets exactly one of many concurrent transitions on one action win", async () => {
    const statuses = ["approved", "rejected", "cancelled", "timed_out"] as const;
    for (let n = 0; n < 10; n++) {
      const id = `race-${n}`;
      await file(a, id, "racer");
      const results = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          (i % 2 ? a : b).transition(decide(id, statuses[i % 4])),
        ),
      );
      const winners = results.filter((r) => r.ok);
      expect(winners).toHaveLength(1);
      const losers = results.filter((r) => !r.ok);
      for (const r of losers) expect(r).toMatchObject({ ok: false, reason: "not_pending" });
      const winner = winners[0];
      if (!winner?.ok) throw new Error("no winner");
      const stored = await b.get(id);
      expect(stored?.record.status).toBe(winner.action.record.status);
      expect(stored?.decisionSeq).toBe(winner.action.decisionSeq);
      const terminal = (await a.auditLog(id)).filter((e) => e.fromStatus === "pending");
      expect(terminal).toHaveLength(1);
      expect(terminal[0]?.toStatus).toBe(winner.action.record.status);
    }
  });

  it("creates an action once when the same request is filed concurrently on both instances", async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => file(i % 2 ? a : b, "dup-1", "retrier")),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    for (const r of results) expect(r.action.record.id).toBe("dup-1");
    expect(await a.auditLog("dup-1")).toHaveLength(1);
  });

  it("never lets a /decisions reader skip a decision committed out of call order", async () => {
    const agent = "streamer";
    const total = 300;
    for (let i = 0; i < total; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) => file(i % 100 ? a : b, `s-${i + j}`, agent)),
      );
    }
    let writing = true;
    const seen = new Map<string, number>();
    const reader = (async () => {
      let cursor = 0;
      for (;;) {
        const done = !writing;
        const page = await a.decisionsSince({ agentId: agent, after: cursor, limit: 1000 });
        for (const x of page) {
          expect(seen.has(x.record.id)).toBe(false);
          seen.set(x.record.id, x.decisionSeq ?? -1);
          cursor = x.decisionSeq ?? cursor;
        }
        if (done && page.length === 0) return;
      }
    })();
    const ids = Array.from({ length: total }, (_, i) => `s-${i}`);
    await Promise.all(
      Array.from({ length: 20 }, async (_, w) => {
        for (let k = w; k < total; k += 20) {
          const r = await (k % 2 ? a : b).transition(decide(ids[k] as string, "approved"));
          expect(r.ok).toBe(true);
        }
      }),
    );
    writing = false;
    await reader;
    expect(seen.size).toBe(total);
    const seqs = [...seen.values()];
    for (let i = 1; i < seqs.length; i++) {
      expect(seqs[i]).toBeGreaterThan(seqs[i - 1] as number);
    }
  });

  it("holds back a later decision until an earlier-numbered one has committed", async () => {
    await file(a, "slow", "ordered");
    await file(a, "fast", "ordered");
    const slow = new pg.Client({ connectionString: db.url });
    await slow.connect();
    try {
      // An instance that took its number and has not committed yet (paused mid-transaction).
      await slow.query("BEGIN");
      const taken = await slow.query<{ seq: string }>(
        `SELECT safeguards_decide('slow', 'approved', record, -1, 'reviewer:slow', 'now') AS seq
         FROM actions WHERE id = 'slow'`,
      );
      const slowSeq = Number(taken.rows[0]?.seq);
      let fastDone = false;
      const fast = b.transition(decide("fast")).then((r) => {
        fastDone = true;
        return r;
      });
      await new Promise((r) => setTimeout(r, 300));
      expect(fastDone).toBe(false);
      expect(await a.decisionsSince({ agentId: "ordered", after: 0, limit: 10 })).toEqual([]);
      await slow.query("COMMIT");
      const won = await fast;
      expect(won.ok && won.action.decisionSeq).toBeGreaterThan(slowSeq);
      const stream = await a.decisionsSince({ agentId: "ordered", after: 0, limit: 10 });
      expect(stream.map((x) => x.record.id)).toEqual(["slow", "fast"]);
    } finally {
      await slow.end();
    }
  });

  it("orders per agent: one agent's open transition does not hold up another agent's", async () => {
    await file(a, "x-1", "agent-x");
    await file(a, "y-1", "agent-y");
    const held = new pg.Client({ connectionString: db.url });
    await held.connect();
    try {
      const hashes = await held.query<{ x: number; y: number }>(
        "SELECT hashtext('agent-x') AS x, hashtext('agent-y') AS y",
      );
      expect(hashes.rows[0]?.x).not.toBe(hashes.rows[0]?.y);
      // Agent X's decision lock held by a transaction that has not committed yet.
      await held.query("BEGIN");
      await held.query("SELECT pg_advisory_xact_lock($1, hashtext('agent-x'))", [
        DECISION_AGENT_LOCK_NAMESPACE,
      ]);
      let xDone = false;
      const x = b.transition(decide("x-1")).then((r) => {
        xDone = true;
        return r;
      });
      // Agent Y's transition completes while X's waits for its agent's lock.
      expect(await a.transition(decide("y-1"))).toMatchObject({ ok: true });
      await eventually(async () => {
        const { rows } = await held.query(
          "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = $1",
          [DECISION_AGENT_LOCK_NAMESPACE],
        );
        return rows.length === 1;
      });
      expect(xDone).toBe(false);
      await held.query("COMMIT");
      expect(await x).toMatchObject({ ok: true });
    } finally {
      await held.end();
    }
  });

  it("keeps working after every connection to the database is killed (restart, failover)", async () => {
    await file(a, "survivor", "phoenix");
    const kill = async () => {
      const admin = new pg.Client({ connectionString: db.url });
      await admin.connect();
      try {
        await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
           WHERE datname = current_database() AND pid <> pg_backend_pid()`,
        );
      } finally {
        await admin.end();
      }
    };
    await kill();
    await new Promise((r) => setTimeout(r, 50));
    // The first use of a killed idle connection may fail; the Pool then replaces it.
    const retry = async <T>(fn: () => Promise<T>): Promise<T> => {
      for (let i = 0; ; i++) {
        try {
          return await fn();
        } catch (error) {
          if (i >= 3) throw error;
        }
      }
    };
    const r = await retry(() => b.transition(decide("survivor", "rejected")));
    expect(r).toMatchObject({ ok: true });
    expect((await retry(() => a.get("survivor")))?.record.status).toBe("rejected");
    expect(await a.transition(decide("survivor"))).toMatchObject({ reason: "not_pending" });
  });

  it("keeps the audit log append-only", async () => {
    await file(a, "audited", "auditor");
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await expect(client.query("UPDATE audit_log SET actor = 'mallory'")).rejects.toThrow(
        /append-only/,
      );
      await expect(client.query("DELETE FROM audit_log")).rejects.toThrow(/append-only/);
      await expect(client.query("TRUNCATE audit_log")).rejects.toThrow(/append-only/);
    } finally {
      await client.end();
    }
    expect((await a.auditLog("audited"))[0]?.actor).toBe("agent:auditor");
  });
});
