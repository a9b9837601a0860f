/**
 * Owed callbacks are leased: two CLI inbox processes on one throwaway PostgreSQL database owe
 * callbacks to an agent that refuses them (503). After both restart together, each owed
 * callback arrives exactly once (one instance leases it, the other leaves it alone); after
 * one instance is SIGKILLed, its leases lapse and the other sends its callbacks. And two live
 * in-process instances on one manual clock: while the deciding one retries, the other never
 * takes the lease; once the first closes, the other sends the callback, once.
 */
import { createServer } from "node:http";
import { createManualClock } from "@safeguards/core";
import {
  createTestDatabase,
  eventually,
  PG_TEST_URL,
  type TestDatabase,
  timersByDelay,
} from "@safeguards/test-support";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInbox } from "../src/create-inbox.js";
import { listenLocal } from "./callback-helpers.js";
import { AGENT_KEY, decideAs, file, REVIEWER_TOKEN, requestBody, SECRET } from "./helpers.js";
import { type InboxProcess, startInboxProcess } from "./reliability/inbox-process.js";

/** A callback receiver: refuses (503) until `accept`, and counts each `webhook-id` it got. */
async function countingReceiver(cleanups: Array<() => unknown>) {
  let accepting = false;
  const accepted = new Map<string, number>();
  const refused: string[] = [];
  const port = await listenLocal(
    createServer((req, res) => {
      req.resume();
      const id = String(req.headers["webhook-id"]);
      if (!accepting) {
        refused.push(id);
        return void res.writeHead(503).end();
      }
      accepted.set(id, (accepted.get(id) ?? 0) + 1);
      res.writeHead(204).end();
    }),
    { push: (fn) => cleanups.push(fn) },
  );
  return {
    origin: `http://127.0.0.1:${port}/`,
    accepted,
    refused,
    accept: () => {
      accepting = true;
    },
  };
}

describe.runIf(PG_TEST_URL)("owed callbacks leased across two CLI instances (PostgreSQL)", () => {
  let db: TestDatabase;
  const cleanups: Array<() => unknown> = [];
  const running: InboxProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(running.map((p) => p.kill()));
    for (const cleanup of cleanups.reverse()) await cleanup();
    await db?.drop();
  });

  const startPair = (receiverOrigin: string, leaseMs: number) =>
    Promise.all(
      [0, 1].map(async () => {
        const p = await startInboxProcess(
          db.url,
          {
            SAFEGUARDS_API_KEYS: `${AGENT_KEY}=financial_advisor`,
            SAFEGUARDS_REVIEWER_TOKENS: `${REVIEWER_TOKEN}=alice`,
            SAFEGUARDS_SIGNING_SECRET: SECRET,
          },
          ["--callback-urls", receiverOrigin, "--callback-lease-ms", String(leaseMs)],
        );
        running.push(p);
        return p;
      }),
    );

  /** Files and decides `n` actions with a callback, alternating between the instances. */
  const owe = async (pair: InboxProcess[], callbackUrl: string, n: number) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i += 1) {
      const body = requestBody(undefined, { callback_url: callbackUrl });
      expect((await file(pair[i % 2]!.url, body)).status).toBe(201);
      expect((await decideAs(pair[(i + 1) % 2]!.url, body.id, { type: "approve" })).status).toBe(
        200,
      );
      ids.push(body.id);
    }
    return ids;
  };

  it("after both instances restart together, each owed callback arrives once", async () => {
    const receiver = await countingReceiver(cleanups);
    const before = await startPair(receiver.origin, 60_000);
    const ids = await owe(before, `${receiver.origin}cb`, 12);
    expect(await Promise.all(before.map((p) => p.stop()))).toEqual([0, 0]);
    receiver.accept();
    await startPair(receiver.origin, 60_000);
    const expected = new Map(ids.map((id) => [`msg_${id}`, 1]));
    await eventually(() => receiver.accepted.size === ids.length, 40_000);
    // Both instances scan again every 20 s; a second send would show up here.
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.accepted).toEqual(expected);
  }, 150_000);

  it("a SIGKILLed instance's leases lapse and the other instance sends its callbacks", async () => {
    const receiver = await countingReceiver(cleanups);
    const [a, b] = await startPair(receiver.origin, 1_500);
    const ids = await owe([a!, a!], `${receiver.origin}cb`, 4); // leased by A, refused
    await b!.kill();
    await a!.kill(); // A dies holding the leases: nobody releases them
    receiver.accept();
    const [c] = await startPair(receiver.origin, 1_500);
    expect(c?.alive()).toBe(true);
    await eventually(() => receiver.accepted.size === ids.length, 40_000);
    expect(new Set(receiver.accepted.values())).toEqual(new Set([1]));
  }, 150_000);

  it("two live instances: the one retrying keeps the lease; the other sends only after it closes", async () => {
    const receiver = await countingReceiver(cleanups);
    const timers = timersByDelay(createManualClock(Date.now()));
    const clock = timers.clock;
    const start = async () => {
      const inbox = createInbox({
        store: db.url,
        clock,
        apiKeys: { [AGENT_KEY]: "financial_advisor" },
        reviewerTokens: { [REVIEWER_TOKEN]: "alice" },
        signingSecret: SECRET,
        callbackUrls: [receiver.origin],
        callbackRetry: { initialDelayMs: 1000 },
        callbackLeaseMs: 3000,
        onError: () => {},
      });
      cleanups.push(() => inbox.close());
      return { inbox, url: (await inbox.listen()).url };
    };
    const a = await start();
    await start(); // B: scans every second, never while A's lease is live
    const body = requestBody(clock, { callback_url: `${receiver.origin}cb?n=1` });
    expect((await file(a.url, body)).status).toBe(201);
    expect((await decideAs(a.url, body.id, { type: "approve" })).status).toBe(200);
    const owners = new Set<string>();
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    cleanups.push(() => admin.end());
    const lease = async () =>
      (
        await admin.query<{ o: string | null; until: string | null }>(
          "SELECT callback_lease_owner AS o, callback_lease_until AS until FROM actions WHERE id = $1",
          [body.id],
        )
      ).rows[0];
    const owner = async () => (await lease())?.o;
    // 10 s of the shared clock: A retries at 1, 3 and 7 s; B scans every second. The clock
    // moves on only once A's last attempt got its answer and its next retry timer is armed
    // (told by its delay: 1, 2, 4, 8 s after attempts 1 to 4; the two scan timers are 1 s
    // too), and once A's scan of this second renewed its lease. So however late a response
    // or a scan, A's retries keep their schedule and its lease never lapses under B.
    const attempted = () => receiver.refused.filter((id) => id === `msg_${body.id}`).length;
    const retryArmed = () => {
      const attempts = attempted();
      const delay = 1000 * 2 ** (attempts - 1);
      return attempts > 0 && timers.pending(delay) === (delay === 1000 ? 3 : 1);
    };
    for (let s = 0; s <= 10; s += 1) {
      const renewedUntil = clock.now() + 3000;
      await eventually(
        async () => retryArmed() && Number((await lease())?.until) >= renewedUntil,
        15_000,
      );
      owners.add(String(await owner()));
      if (s < 10) clock.advance(1000);
    }
    expect(owners.size).toBe(1); // never B
    expect(attempted()).toBe(4); // A's own schedule only: 0, 1, 3, 7 s
    await a.inbox.close(); // releases its lease
    receiver.accept();
    clock.advance(1000); // B's next scan takes it
    await eventually(() => receiver.accepted.get(`msg_${body.id}`) === 1);
    expect(await owner()).not.toBe([...owners][0]);
  }, 60_000);
});
