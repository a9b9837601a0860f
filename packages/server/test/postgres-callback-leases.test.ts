/**
 * Owed callbacks are leased: two CLI inbox processes on one throwaway PostgreSQL database owe
 * callbacks to an agent that refuses them (503). After both restart together, each owed
 * callback arrives exactly once (one instance leases it, the other leaves it alone); after
 * one instance is SIGKILLed, its leases lapse and the other sends its callbacks.
 */
import { createServer } from "node:http";
import {
  createTestDatabase,
  eventually,
  PG_TEST_URL,
  type TestDatabase,
} from "@safeguards/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listenLocal } from "./callback-helpers.js";
import { AGENT_KEY, decideAs, file, REVIEWER_TOKEN, requestBody, SECRET } from "./helpers.js";
import { type InboxProcess, startInboxProcess } from "./reliability/inbox-process.js";

/** A callback receiver: refuses (503) until `accept`, and counts each `webhook-id` it got. */
async function countingReceiver(cleanups: Array<() => unknown>) {
  let accepting = false;
  const accepted = new Map<string, number>();
  const port = await listenLocal(
    createServer((req, res) => {
      req.resume();
      const id = String(req.headers["webhook-id"]);
      if (!accepting) return void res.writeHead(503).end();
      accepted.set(id, (accepted.get(id) ?? 0) + 1);
      res.writeHead(204).end();
    }),
    { push: (fn) => cleanups.push(fn) },
  );
  return {
    origin: `http://127.0.0.1:${port}/`,
    accepted,
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
    await eventually(() => receiver.accepted.size === ids.length, 20_000);
    // Both instances scan again every 20 s; a second send would show up here.
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.accepted).toEqual(expected);
  }, 90_000);

  it("a SIGKILLed instance's leases lapse and the other instance sends its callbacks", async () => {
    const receiver = await countingReceiver(cleanups);
    const [a, b] = await startPair(receiver.origin, 1_500);
    const ids = await owe([a!, a!], `${receiver.origin}cb`, 4); // leased by A, refused
    await b!.kill();
    await a!.kill(); // A dies holding the leases: nobody releases them
    receiver.accept();
    const [c] = await startPair(receiver.origin, 1_500);
    expect(c?.alive()).toBe(true);
    await eventually(() => receiver.accepted.size === ids.length, 20_000);
    expect(new Set(receiver.accepted.values())).toEqual(new Set([1]));
  }, 90_000);
});
