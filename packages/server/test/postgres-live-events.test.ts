/**
 * The web inbox's live stream across two in-process inbox instances on one PostgreSQL
 * database (each with its own clock): an expiry swept by B reaches A's stream, remote changes
 * are filtered by the reviewer's rights like local ones, and a lost LISTEN connection tells
 * the stream to re-read once it is back.
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
import { file, requestBody } from "./helpers.js";
import { Browser, openLiveEvents, PASSWORDS, startReviewerInbox } from "./ui-helpers.js";

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
    a = await startReviewerInbox({}, { store: db.url, clock: clockA });
    b = await startReviewerInbox({}, { store: db.url, clock: clockB });
    await eventually(async () => (await listeners()) === 2);
  });
  afterAll(async () => {
    await a?.inbox.close();
    await b?.inbox.close();
    await admin?.end();
    await db?.drop();
  });

  const signedIn = async (name: "alice" | "bob") => {
    const reviewer = new Browser(a.root);
    expect((await reviewer.signIn(name, PASSWORDS[name])).status).toBe(303);
    return openLiveEvents(reviewer);
  };

  it("an expiry swept by B reaches A's stream; bob hears only what he may see", async () => {
    const alice = await signedIn("alice");
    const bob = await signedIn("bob");
    try {
      const notBobs = requestBody(clockB, {}, 30_000);
      const seen = requestBody(clockB, { agent_id: AGENT_B });
      await file(b.url, notBobs);
      await file(b.url, seen, AGENT_B_KEY);
      expect(await alice.next()).toEqual({ id: notBobs.id, status: "pending" });
      expect(await alice.next()).toEqual({ id: seen.id, status: "pending" });
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
