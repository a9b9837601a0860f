import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createManualClock } from "@safeguards/core";
import { eventually, timersByDelay } from "@safeguards/test-support";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import type { Inbox } from "../src/index.js";
import {
  AGENT_KEY,
  call,
  decideAs,
  file,
  requestBody,
  SECRET,
  startInbox,
  tempDbPath,
} from "./helpers.js";

interface Received {
  status: number;
  verified: unknown;
  headers: IncomingMessage["headers"];
}

/** A callback receiver that verifies every delivery with Webhook.verify and answers `statuses` in turn. */
async function receiver(statuses: number[]) {
  const received: Received[] = [];
  const webhook = new Webhook(SECRET);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const payload = Buffer.concat(chunks).toString("utf8");
      let verified: unknown = null;
      try {
        verified = webhook.verify(payload, req.headers as Record<string, string>);
      } catch {
        verified = null;
      }
      const status = statuses[received.length] ?? 200;
      received.push({ status, verified, headers: req.headers });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  // A receiver on 127.0.0.1 is internal: the inbox calls it only when its allowlist says so.
  const allow = [`http://127.0.0.1:${port}/safeguards/`];
  return { url: `http://127.0.0.1:${port}/safeguards/callback`, received, server, allow };
}

let inbox: Inbox | undefined;
let server: Server | undefined;
afterEach(async () => {
  await inbox?.close();
  server?.close();
  inbox = undefined;
});

describe("signed callbacks", () => {
  it("POSTs the terminal record signed with Standard Webhooks, retrying after a 500", async () => {
    const target = await receiver([500, 503, 200]);
    server = target.server;
    const started = await startInbox({
      callbackUrls: target.allow,
      callbackRetry: { initialDelayMs: 10, maxDelayMs: 50 },
    });
    inbox = started.inbox;
    const body = requestBody(undefined, { callback_url: target.url });
    expect((await file(started.url, body)).status).toBe(201);
    const decided = await decideAs(started.url, body.id, { type: "approve" });
    expect(decided.status).toBe(200);
    await started.inbox.callbacksIdle();
    expect(target.received.map((r) => r.status)).toEqual([500, 503, 200]);
    for (const delivery of target.received) {
      expect(delivery.verified).toMatchObject({
        type: "action.decided",
        data: { id: body.id, status: "approved", decision: { reviewer: "alice" } },
      });
    }
    const ids = new Set(target.received.map((r) => r.headers["webhook-id"]));
    expect(ids.size).toBe(1);
  });

  it("sends a callback still owed when the inbox stopped after it restarts, once", async () => {
    const target = await receiver([500]); // the agent is down when the decision is made
    server = target.server;
    const store = tempDbPath();
    const retry = { initialDelayMs: 60_000 }; // no retry before the inbox stops
    const first = await startInbox({ store, callbackUrls: target.allow, callbackRetry: retry });
    const body = requestBody(undefined, { callback_url: target.url });
    await file(first.url, body);
    await decideAs(first.url, body.id, { type: "approve" });
    await eventually(() => target.received.length === 1);
    expect((await first.inbox.store.pendingCallbacks(10)).map((a) => a.record.id)).toEqual([
      body.id,
    ]);
    await first.inbox.close();

    const second = await startInbox({ store, callbackUrls: target.allow, callbackRetry: retry });
    inbox = second.inbox;
    await eventually(() => target.received.length === 2);
    const [down, up] = target.received;
    expect(up).toMatchObject({
      status: 200,
      verified: { type: "action.decided", data: { id: body.id, status: "approved" } },
    });
    expect(up?.headers["webhook-id"]).toBe(down?.headers["webhook-id"]); // the same message
    // Delivered: nothing is owed any more, so a later restart sends nothing.
    await eventually(async () => (await second.inbox.store.pendingCallbacks(10)).length === 0);
  });

  it("gives up on an owed callback whose retry window ended while the inbox was down", async () => {
    const target = await receiver([500]);
    server = target.server;
    const store = tempDbPath();
    const clock = createManualClock(Date.now());
    const retry = { initialDelayMs: 60_000, windowMs: 3_600_000 };
    const first = await startInbox({
      store,
      clock,
      callbackUrls: target.allow,
      callbackRetry: retry,
    });
    const body = requestBody(clock, { callback_url: target.url });
    await file(first.url, body);
    await decideAs(first.url, body.id, { type: "reject", comments: "no" });
    await eventually(() => target.received.length === 1);
    await first.inbox.close();

    clock.advance(3_600_001); // down for longer than the retry window
    const second = await startInbox({
      store,
      clock,
      callbackUrls: target.allow,
      callbackRetry: retry,
    });
    inbox = second.inbox;
    // Given up at start-up (settled as failed) without calling the agent again.
    await eventually(async () => (await second.inbox.store.pendingCallbacks(10)).length === 0);
    expect(target.received).toHaveLength(1);
  });

  it("a signature made with another secret does not verify", async () => {
    const target = await receiver([200]);
    server = target.server;
    const other = `whsec_${Buffer.from("another-secret-another-secret!!").toString("base64")}`;
    const started = await startInbox({ signingSecret: other, callbackUrls: target.allow });
    inbox = started.inbox;
    const body = requestBody(undefined, { callback_url: target.url });
    await file(started.url, body);
    await decideAs(started.url, body.id, { type: "reject" });
    await started.inbox.callbacksIdle();
    expect(target.received).toHaveLength(1);
    expect(target.received[0]?.verified).toBeNull();
  });

  it("gives up after the retry window without losing the decision", async () => {
    const target = await receiver(Array.from({ length: 200 }, () => 500));
    server = target.server;
    const started = await startInbox({
      callbackUrls: target.allow,
      callbackRetry: { initialDelayMs: 5, maxDelayMs: 10, windowMs: 400 },
    });
    inbox = started.inbox;
    const failed = new Promise((resolve) => started.inbox.on("callback.failed", resolve));
    const body = requestBody(undefined, { callback_url: target.url });
    await file(started.url, body);
    await decideAs(started.url, body.id, { type: "approve" });
    expect(await failed).toMatchObject({ actionId: body.id, url: target.url });
    expect(target.received.length).toBeGreaterThan(1);
    const stream = await call(started.url, "/decisions", { token: AGENT_KEY });
    expect(stream.body.decisions.map((d: { id: string }) => d.id)).toEqual([body.id]);
  });

  it("backs off exponentially up to maxDelayMs, on the inbox's clock", async () => {
    const target = await receiver([500, 500, 500, 500, 200]);
    server = target.server;
    const timers = timersByDelay(createManualClock(Date.now()));
    const clock = timers.clock;
    const started = await startInbox({
      clock,
      callbackUrls: target.allow,
      callbackRetry: { initialDelayMs: 60_000, maxDelayMs: 240_000 },
    });
    inbox = started.inbox;
    const body = requestBody(clock, { callback_url: target.url }, 3_600_000);
    await file(started.url, body);
    await decideAs(started.url, body.id, { type: "approve" });
    await eventually(() => target.received.length === 1);
    // Nothing is retried while the clock stands still.
    await new Promise((r) => setTimeout(r, 50));
    expect(target.received).toHaveLength(1);
    // The clock moves on in 1 s steps only once an attempt got its answer and armed its
    // retry, and stops when that retry fires: a late answer cannot stretch a gap.
    const delays = [60_000, 120_000, 240_000, 240_000];
    for (const [i, delay] of delays.entries()) {
      await eventually(() => target.received.length === i + 1 && timers.pending(delay) === 1);
      while (timers.pending(delay) === 1) clock.advance(1000);
    }
    await eventually(() => target.received.length === 5);
    expect(target.received.map((r) => r.status)).toEqual([500, 500, 500, 500, 200]);
    // Each attempt is signed at its own time: the gaps are the backoff (in seconds).
    const at = target.received.map((r) => Number(r.headers["webhook-timestamp"]));
    expect(at.slice(1).map((t, i) => t - at[i]!)).toEqual([60, 120, 240, 240]);
  });

  it("refuses callback_url when the inbox has no signing secret", async () => {
    const started = await startInbox({ signingSecret: undefined });
    inbox = started.inbox;
    const res = await file(
      started.url,
      requestBody(undefined, { callback_url: "http://127.0.0.1:1/cb" }),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_request");
  });
});
