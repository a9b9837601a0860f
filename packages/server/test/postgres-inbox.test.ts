import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Clock, createManualClock } from "@safeguards/core";
import {
  createTestDatabase,
  eventually,
  PG_TEST_URL,
  type TestDatabase,
} from "@safeguards/test-support";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInbox, type Inbox } from "../src/create-inbox.js";
import { createPostgresNotifier } from "../src/inbox/postgres-notifier.js";
import type { ActionStore } from "../src/store/action-store.js";
import { createPostgresStore } from "../src/store/postgres-store.js";

const AGENT_KEY = "agent-key-0001";
const REVIEWER_TOKEN = "reviewer-token-01";
const SECRET = `whsec_${randomBytes(24).toString("base64")}`;
/** The wait-limiter key of the agent behind AGENT_KEY (`inbox.waits.held`). */
const WAIT_KEY = "agent:bot";
/** How long a request may take to be held on a loaded machine (failure only). */
const HELD_MS = 15_000;

describe.runIf(PG_TEST_URL)("two inbox instances on one PostgreSQL database", () => {
  let db: TestDatabase;
  const closers: (() => Promise<void>)[] = [];

  /** An instance configured the way the CLI does it: `store` is the database URL. */
  const fromUrl = async (clock?: Clock) => {
    const inbox = createInbox({
      ...(clock ? { clock } : {}),
      store: db.url,
      apiKeys: { [AGENT_KEY]: "bot" },
      reviewerTokens: { [REVIEWER_TOKEN]: "alice" },
      onError: () => {},
    });
    closers.push(() => inbox.close());
    await inbox.store.init();
    return inbox;
  };

  /** One inbox instance: its own Pool, its own LISTEN connection, its own sweeper. */
  const instance = async (clock?: Clock) => {
    const store: ActionStore = createPostgresStore({ connectionString: db.url });
    const notifier = createPostgresNotifier({ connectionString: db.url });
    const inbox = createInbox({
      store,
      notifier,
      apiKeys: { [AGENT_KEY]: "bot" },
      reviewerTokens: { [REVIEWER_TOKEN]: "alice" },
      signingSecret: SECRET,
      callbackUrls: (url) => url.hostname === "127.0.0.1", // the test's receiver is local
      ...(clock ? { clock } : {}),
      onError: (e) => {
        throw e;
      },
    });
    closers.push(async () => {
      await inbox.close();
      await store.close();
    });
    await notifier.ready();
    return inbox;
  };

  const call = async (
    inbox: Inbox,
    method: string,
    path: string,
    token: string,
    body?: unknown,
  ) => {
    const res = await inbox.fetch(
      new Request(`http://inbox.test/api${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  const fileAction = (inbox: Inbox, id: string, expiresAtMs: number, callbackUrl?: string) =>
    call(inbox, "POST", "/request-approval", AGENT_KEY, {
      id,
      title: `Do ${id}`,
      description: "two-instance test",
      severity: "WARNING",
      agent_id: "bot",
      expires_at: new Date(expiresAtMs).toISOString(),
      ...(callbackUrl ? { callback_url: callbackUrl } : {}),
    });

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await db?.drop();
  });

  it("wakes a long poll on instance B by a decision made through A", async () => {
    // B's clock never moves: its held polls can only end by a NOTIFY from A.
    const clock = createManualClock(Date.now());
    const a = await instance();
    const b = await instance(clock);
    const filed = await fileAction(a, "wake-1", Date.now() + 60_000);
    expect(filed.status).toBe(201);
    const first = await call(b, "GET", "/decisions?since=0&wait=0", AGENT_KEY);
    const since = first.body.cursor as string;
    const waiting = call(b, "GET", `/decisions?since=${since}&wait=30`, AGENT_KEY);
    const waitingOne = call(b, "GET", "/actions/wake-1?wait=30", AGENT_KEY);
    await eventually(() => b.waits.held(WAIT_KEY) === 2, HELD_MS); // both polls are held
    const decided = await call(a, "POST", "/actions/wake-1/decision", REVIEWER_TOKEN, {
      type: "approve",
    });
    expect(decided.status).toBe(200);
    const woken = await waiting;
    expect(woken.status).toBe(200);
    const decisions = woken.body.decisions as { id: string; status: string }[];
    expect(decisions.map((d) => [d.id, d.status])).toEqual([["wake-1", "approved"]]);
    const one = await waitingOne;
    expect(one.body.status).toBe("approved");
  });

  it("selects PostgreSQL from a postgres:// URL and loses no decision while LISTEN reconnects", async () => {
    // B's clock never moves: its held poll can only end by re-reading after the reconnect.
    const a = await instance();
    const b = await fromUrl(createManualClock(Date.now()));
    expect((await fileAction(b, "resync-1", Date.now() + 60_000)).status).toBe(201);
    expect((await a.store.get("resync-1"))?.record.status).toBe("pending");
    const waiting = call(b, "GET", "/actions/resync-1?wait=30", AGENT_KEY);
    await eventually(() => b.waits.held(WAIT_KEY) === 1, HELD_MS);
    // Decided behind the notifiers' back (no NOTIFY), then B's LISTEN connection is cut:
    // B must reconnect and make its waiters re-read the database.
    const won = await a.store.transition({
      id: "resync-1",
      status: "rejected",
      decision: {
        type: "reject",
        response_data: null,
        comments: null,
        reviewer: "alice",
        decided_at: new Date().toISOString(),
      },
      actor: "reviewer:alice",
      at: new Date().toISOString(),
    });
    expect(won.ok).toBe(true);
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      const killed = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND query LIKE 'LISTEN %'`,
      );
      expect(killed.rowCount).toBeGreaterThanOrEqual(2);
    } finally {
      await admin.end();
    }
    const answer = await waiting;
    expect(answer.body.status).toBe("rejected");
  });

  it("times an action out exactly once when both instances sweep it", async () => {
    const clock = createManualClock(Date.now());
    const a = await instance(clock);
    const b = await instance(clock);
    const received: string[] = [];
    const receiver: Server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        received.push(body);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    closers.push(() => new Promise((r) => receiver.close(() => r())));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/cb`;
    const decided: string[] = [];
    for (const inbox of [a, b])
      inbox.on("action.decided", (e) => {
        decided.push(e.action.id);
      });
    const ids = ["exp-1", "exp-2", "exp-3", "exp-4"];
    for (const [i, id] of ids.entries()) {
      expect((await fileAction(i % 2 ? a : b, id, clock.now() + 1000, url)).status).toBe(201);
    }
    clock.advance(1001);
    await Promise.all([a.sweepExpired(), b.sweepExpired(), a.sweepExpired(), b.sweepExpired()]);
    await Promise.all([a.callbacksIdle(), b.callbacksIdle()]);
    expect(decided.sort()).toEqual(ids);
    expect(received).toHaveLength(ids.length);
    for (const id of ids) {
      const audit = await a.store.auditLog(id);
      expect(audit.map((e) => [e.toStatus, e.actor])).toEqual([
        ["pending", "agent:bot"],
        ["timed_out", "system:expiry"],
      ]);
      expect((await b.store.get(id))?.record.status).toBe("timed_out");
    }
    const stream = await call(a, "GET", "/decisions?since=0&wait=0", AGENT_KEY);
    const expired = (stream.body.decisions as { id: string }[]).filter((d) =>
      d.id.startsWith("exp-"),
    );
    expect(expired.map((d) => d.id).sort()).toEqual(ids);
  });
});
