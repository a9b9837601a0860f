/**
 * The web inbox's live stream across two in-process inbox instances on one PostgreSQL
 * database (each with its own clock): an expiry swept by B reaches A's stream, remote changes
 * are filtered by the reviewer's rights like local ones, an approval of a four-eyes action
 * recorded through B (still pending) and an escalation step applied by B's sweeper reach A's
 * stream (the escalation's new assignee sees the action appear), and a lost LISTEN connection
 * tells the stream to re-read once it is back.
 */
import { createManualClock } from "@safeguards/core";
import {
  AGENT_B,
  AGENT_B_KEY,
  createTestDatabase,
  eventually,
  PG_TEST_URL,
  type TestDatabase,
  type TestInbox,
} from "@safeguards/test-support";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, file, requestBody } from "./helpers.js";
import {
  DAVE,
  ESCALATE_AFTER_SECONDS,
  quorumAccounts,
  quorumBody,
} from "./reviewer-quorum-helpers.js";
import {
  BOB_API_TOKEN,
  Browser,
  openLiveEvents,
  PASSWORDS,
  startReviewerInbox,
} from "./ui-helpers.js";

type LiveEvents = Awaited<ReturnType<typeof openLiveEvents>>;

/** The next change about one of `ids` (others' and resyncs skipped: earlier tests' actions). */
async function nextOf(events: LiveEvents, ids: string[]) {
  for (;;) {
    const change = await events.next();
    if (change.id && ids.includes(change.id)) return change;
  }
}

describe.runIf(PG_TEST_URL)("live stream across instances on PostgreSQL", () => {
  let db: TestDatabase;
  let admin: pg.Pool;
  let a: TestInbox;
  let b: TestInbox;
  const clockA = createManualClock(Date.parse("2026-12-06T10:00:00Z"));
  const clockB = createManualClock(Date.parse("2026-12-06T10:00:00Z"));
  const listeners = async () =>
    Number(
      (
        await admin.query(
          "SELECT count(*) AS n FROM pg_stat_activity WHERE query = 'LISTEN safeguards_decisions'",
        )
      ).rows[0].n,
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    admin = new pg.Pool({ connectionString: db.url, max: 1 });
    const reviewers = { accounts: quorumAccounts() };
    a = await startReviewerInbox(reviewers, { store: db.url, clock: clockA });
    b = await startReviewerInbox(reviewers, { store: db.url, clock: clockB });
    await eventually(async () => (await listeners()) === 2);
  });
  afterAll(async () => {
    await a?.inbox.close();
    await b?.inbox.close();
    await admin?.end();
    await db?.drop();
  });

  const signedIn = async (name: "alice" | "bob" | "dave") => {
    const reviewer = new Browser(a.root);
    const password = name === "dave" ? DAVE.password : PASSWORDS[name];
    expect((await reviewer.signIn(name, password)).status).toBe(303);
    /** The rows of the reviewer's inbox list on A, as the page fetches them. */
    const rows = async () => (await reviewer.fetch("/ui/rows")).text();
    return Object.assign(await openLiveEvents(reviewer), { rows });
  };

  it("an expiry swept by B reaches A's stream; bob hears only what he may see", async () => {
    const alice = await signedIn("alice");
    const bob = await signedIn("bob");
    try {
      const notBobs = requestBody(clockB, {}, 30_000);
      const seen = requestBody(clockB, { agent_id: AGENT_B });
      await file(b.url, notBobs);
      await file(b.url, seen, AGENT_B_KEY);
      // Two filings' notifications may arrive in either order (fire-and-forget NOTIFYs on a
      // pool of connections; the live list re-reads on any change, so order does not matter).
      const filed = [await alice.next(), await alice.next()];
      expect(filed).toEqual(
        expect.arrayContaining([
          { id: notBobs.id, status: "pending" },
          { id: seen.id, status: "pending" },
        ]),
      );
      expect(filed).toHaveLength(2);
      clockB.advance(31_000);
      await b.inbox.sweepExpired();
      expect(await alice.next()).toEqual({ id: notBobs.id, status: "timed_out" });
      // bob may see AGENT_B's actions only: the first change he hears is the second filing.
      expect(await bob.next()).toEqual({ id: seen.id, status: "pending" });
    } finally {
      await alice.close();
      await bob.close();
    }
  });

  it("an approval recorded through B (the action still pending) reaches A's stream", async () => {
    const alice = await signedIn("alice");
    try {
      const body = quorumBody(clockB);
      expect((await file(b.url, body, AGENT_B_KEY)).status).toBe(201);
      expect(await nextOf(alice, [body.id])).toEqual({ id: body.id, status: "pending" });
      const approved = await call(b.url, `/actions/${body.id}/decision`, {
        token: BOB_API_TOKEN,
        body: { type: "approve", comments: "one of two" },
      });
      expect(approved.status).toBe(200);
      expect(approved.body.status).toBe("pending");
      // Only the update can tell this (the filing was heard above, nothing else changed).
      expect(await nextOf(alice, [body.id])).toEqual({ id: body.id, status: "pending" });
      expect(await alice.rows()).toContain(body.id);
    } finally {
      await alice.close();
    }
  });

  it("an escalation step applied by B's sweeper shows the action to its new assignee on A", async () => {
    const dave = await signedIn("dave");
    try {
      const escalating = quorumBody(clockB);
      const open = requestBody(clockB, { agent_id: AGENT_B });
      const ids = [escalating.id, open.id];
      expect((await file(b.url, escalating, AGENT_B_KEY)).status).toBe(201);
      expect((await file(b.url, open, AGENT_B_KEY)).status).toBe(201);
      // dave (group cfo) is not assigned yet: the first change he hears is the open action.
      expect(await nextOf(dave, ids)).toEqual({ id: open.id, status: "pending" });
      expect(await dave.rows()).not.toContain(escalating.id);
      clockB.advance(ESCALATE_AFTER_SECONDS * 1000 + 1000);
      await b.inbox.sweepExpired();
      expect(await nextOf(dave, ids)).toEqual({ id: escalating.id, status: "pending" });
      expect(await dave.rows()).toContain(escalating.id);
    } finally {
      await dave.close();
    }
  });

  it("tells the stream to re-read after the LISTEN connection was lost and came back", async () => {
    const alice = await signedIn("alice");
    try {
      const killed = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE query = 'LISTEN safeguards_decisions'`,
      );
      expect(killed.rowCount).toBe(2);
      expect(await alice.next()).toEqual({ resync: true });
      await eventually(async () => (await listeners()) === 2);
      // And changes flow again over the new connection.
      const body = requestBody(clockB);
      await file(b.url, body);
      let next = await alice.next();
      while (next.resync) next = await alice.next(); // a retried reconnection tells again
      expect(next).toEqual({ id: body.id, status: "pending" });
    } finally {
      await alice.close();
    }
  });
});
