import { createTestDatabase, PG_TEST_URL, type TestDatabase } from "@safeguards/test-support";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DecisionEvent, RemoteChange } from "../src/inbox/decision-notifier.js";
import { createPostgresNotifier, type PostgresNotifier } from "../src/inbox/postgres-notifier.js";

/** Resolves with the first event `subscribe` delivers, or rejects after `ms`. */
function nextEvent(n: PostgresNotifier, agentId: string, ms = 5000): Promise<DecisionEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no event for ${agentId} within ${ms} ms`));
    }, ms);
    const off = n.subscribe(agentId, (event) => {
      clearTimeout(timer);
      off();
      resolve(event);
    });
  });
}

/** Collects the changes `watchChanges` delivers; `next()` resolves with the next one. */
function watch(n: PostgresNotifier) {
  const seen: RemoteChange[] = [];
  let wake: (() => void) | undefined;
  const off = n.watchChanges((change) => {
    seen.push(change);
    wake?.();
  });
  return {
    seen,
    off,
    async next(ms = 15_000): Promise<RemoteChange> {
      const end = Date.now() + ms;
      while (seen.length === 0) {
        if (Date.now() > end) throw new Error(`no change within ${ms} ms`);
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 50);
        });
      }
      return seen.shift() as RemoteChange;
    },
  };
}

describe.runIf(PG_TEST_URL)("PostgreSQL LISTEN/NOTIFY decision notifier", () => {
  let db: TestDatabase;
  const open: PostgresNotifier[] = [];
  const notifier = (channel?: string) => {
    const n = createPostgresNotifier({
      connectionString: db.url,
      reconnectDelayMs: 20,
      maxReconnectDelayMs: 200,
      ...(channel ? { channel } : {}),
    });
    open.push(n);
    return n;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(open.map((n) => n.close()));
    await db?.drop();
  });

  it("delivers a decision published on one instance to waiters on another, by agent", async () => {
    const a = notifier();
    const b = notifier();
    await Promise.all([a.ready(), b.ready()]);
    const other: DecisionEvent[] = [];
    const offOther = b.subscribe("agent-y", (e) => other.push(e));
    const local = nextEvent(a, "agent-x");
    const remote = nextEvent(b, "agent-x");
    await a.publish({ agentId: "agent-x", actionId: "act-1", decisionSeq: 7 });
    expect(await local).toEqual({ agentId: "agent-x", actionId: "act-1", decisionSeq: 7 });
    expect(await remote).toEqual({ agentId: "agent-x", actionId: "act-1", decisionSeq: 7 });
    offOther();
    expect(other).toEqual([]);
  });

  it("delivers an instance's own decision locally once (its NOTIFY echo is ignored)", async () => {
    const a = notifier("echo_test");
    await a.ready();
    const got: DecisionEvent[] = [];
    const off = a.subscribe("agent-e", (e) => got.push(e));
    const probe = notifier("echo_test");
    await probe.ready();
    const echoed = nextEvent(probe, "agent-e");
    await a.publish({ agentId: "agent-e", actionId: "x", decisionSeq: 1 });
    await echoed; // by now the NOTIFY has reached the cluster's listeners
    await new Promise((r) => setTimeout(r, 50));
    off();
    expect(got).toHaveLength(1);
  });

  it("turns a notification too large for NOTIFY into a wake-up of every waiter", async () => {
    const a = notifier("big_test");
    const b = notifier("big_test");
    await Promise.all([a.ready(), b.ready()]);
    const huge = "a".repeat(9000);
    const woken = nextEvent(b, "someone-else");
    await a.publish({ agentId: huge, actionId: "x", decisionSeq: 3 });
    expect(await woken).toMatchObject({ agentId: "someone-else", resync: true });
  });

  it("carries filings and decisions of other instances to watchers, as ids and kinds", async () => {
    const a = notifier("changes_test");
    const b = notifier("changes_test");
    await Promise.all([a.ready(), b.ready()]);
    const onB = watch(b);
    const onA = watch(a);
    await a.publishCreated({ agentId: "agent-c", actionId: "act-c" });
    expect(await onB.next()).toEqual({ kind: "created", agentId: "agent-c", actionId: "act-c" });
    await a.publish({ agentId: "agent-c", actionId: "act-c", decisionSeq: 4 });
    expect(await onB.next()).toEqual({ kind: "decided", agentId: "agent-c", actionId: "act-c" });
    // A filing wakes no decision waiter; an instance does not hear its own changes back.
    const waiter: DecisionEvent[] = [];
    const offWaiter = b.subscribe("agent-c", (e) => waiter.push(e));
    await a.publishCreated({ agentId: "agent-c", actionId: "act-d" });
    expect(await onB.next()).toMatchObject({ kind: "created", actionId: "act-d" });
    offWaiter();
    expect(waiter).toEqual([]);
    expect(onA.seen).toEqual([]);
    // Too large for NOTIFY: every watcher resyncs.
    await a.publishCreated({ agentId: "a".repeat(9000), actionId: "act-e" });
    expect(await onB.next()).toEqual({ kind: "resync" });
    onB.off();
    onA.off();
  });

  it("carries updates of pending actions as ids, wakes no waiter, and ignores unknown kinds", async () => {
    const a = notifier("updates_test");
    const b = notifier("updates_test");
    await Promise.all([a.ready(), b.ready()]);
    const onB = watch(b);
    const waiter: DecisionEvent[] = [];
    const offWaiter = b.subscribe("agent-u", (e) => waiter.push(e));
    await a.publishUpdated({ agentId: "agent-u", actionId: "act-u" });
    expect(await onB.next()).toEqual({ kind: "updated", agentId: "agent-u", actionId: "act-u" });
    // A newer instance's kind (sent raw here) is neither a change nor a decision.
    const raw = new pg.Client({ connectionString: db.url });
    await raw.connect();
    try {
      const future = { o: "newer", k: "z", a: "agent-u", i: "act-z" };
      await raw.query("SELECT pg_notify('updates_test', $1)", [JSON.stringify(future)]);
    } finally {
      await raw.end();
    }
    await a.publishCreated({ agentId: "agent-u", actionId: "act-after" });
    expect(await onB.next()).toMatchObject({ kind: "created", actionId: "act-after" });
    offWaiter();
    expect(waiter).toEqual([]);
    onB.off();
  });

  it("reconnects after losing its LISTEN connection and wakes every waiter to re-read", async () => {
    const a = notifier("reconnect_test");
    const b = notifier("reconnect_test");
    await Promise.all([a.ready(), b.ready()]);
    const resync = nextEvent(b, "agent-r");
    const changes = watch(b);
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      const killed = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND query = 'LISTEN reconnect_test'`,
      );
      expect(killed.rowCount).toBe(2);
    } finally {
      await admin.end();
    }
    const event = await resync;
    expect(event.resync).toBe(true);
    // Live views are told to re-read too.
    expect(await changes.next()).toEqual({ kind: "resync" });
    changes.off();
    expect(b.listening).toBe(true);
    // And notifications flow again over the new connection.
    const after = nextEvent(b, "agent-r");
    await a.publish({ agentId: "agent-r", actionId: "after", decisionSeq: 9 });
    expect((await after).actionId).toBe("after");
  });
});
