/**
 * SSRF through `callback_url` (issue 13, finding 3), against a real inbox on 127.0.0.1:
 * without `callbackUrls` internal targets are refused at filing (every spelling) and names
 * are checked again on the addresses they resolve to at delivery (DNS rebinding, with an
 * injected resolver); 3xx answers are not followed nor retried; at most
 * `callbackConcurrency` callbacks are in flight at once. Only 127.0.0.1 is ever connected to.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createManualClock } from "@safeguards/core";
import { eventually } from "@safeguards/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { createMemoryStore, type Inbox, type InboxEvent, type InboxOptions } from "../src/index.js";

import { file, requestBody, startInbox } from "./helpers.js";
import { INTERNAL_CALLBACK_URLS } from "./ssrf-targets.js";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A local service on 127.0.0.1 that records what reaches it. */
async function localService(handler: Handler = (_req, res) => res.writeHead(200).end()) {
  const hits: string[] = [];
  let sockets = 0;
  let maxSockets = 0;
  const server = createServer((req, res) => {
    hits.push(req.url ?? "");
    req.resume();
    req.on("end", () => handler(req, res));
  });
  server.on("connection", (socket) => {
    sockets += 1;
    maxSockets = Math.max(maxSockets, sockets);
    socket.on("close", () => {
      sockets -= 1;
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  closers.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return { port, hits, maxSockets: () => maxSockets };
}

let closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.reverse()) await close();
  closers = [];
});

/** An inbox on a manual clock that records `callback.failed` events. */
async function inboxWith(
  overrides: Partial<InboxOptions> = {},
  clock = createManualClock(Date.now()),
) {
  const started = await startInbox({ clock, ...overrides });
  closers.push(() => started.inbox.close());
  const failed: Extract<InboxEvent, { type: "callback.failed" }>[] = [];
  started.inbox.on("callback.failed", (e) => {
    failed.push(e);
  });
  return { ...started, clock, failed };
}

/** Files an action with `callback_url`, expiring in 1 s; answers the HTTP status and id. */
async function fileWithCallback(started: { url: string; clock: { now(): number } }, cb: string) {
  const body = requestBody(started.clock, { callback_url: cb }, 1000);
  return { status: (await file(started.url, body)).status, id: body.id, body };
}

/** Lets the actions expire: expiry alone triggers their callbacks. */
async function expireAll(started: { inbox: Inbox; clock: { advance(ms: number): void } }) {
  started.clock.advance(2000);
  await started.inbox.sweepExpired();
}

describe("callback_url without an allowlist: public addresses only", () => {
  it("refuses internal targets at filing, whatever the spelling, and stores nothing", async () => {
    const service = await localService();
    const started = await inboxWith();
    const urls = [
      `http://127.0.0.1:${service.port}/admin/reset`,
      `http://2130706433:${service.port}/admin/reset`,
      `http://0x7f.1:${service.port}/admin/reset`,
      `http://[::ffff:127.0.0.1]:${service.port}/admin`,
      `http://localhost:${service.port}/admin`,
      ...INTERNAL_CALLBACK_URLS,
    ];
    for (const url of urls) {
      const body = requestBody(started.clock, { callback_url: url }, 1000);
      const answer = await file(started.url, body);
      expect(answer.status, url).toBe(422);
      expect(answer.body.error.code, url).toBe("callback_url_not_allowed");
    }
    expect((await started.inbox.store.list({ limit: 10 })).actions).toHaveLength(0);
    await expireAll(started);
    await started.inbox.callbacksIdle();
    expect(service.hits).toEqual([]);
  });

  it("checks the addresses a name resolves to at delivery (DNS rebinding)", async () => {
    const service = await localService();
    const lookups: string[] = [];
    const started = await inboxWith({
      callbackRetry: { initialDelayMs: 5, windowMs: 1 }, // one attempt, then give up
      callbackLookup: async (name) => {
        lookups.push(name);
        return [{ address: "127.0.0.1", family: 4 }]; // public at filing, internal now
      },
    });
    const filed = await fileWithCallback(started, `http://rebind.test:${service.port}/admin`);
    expect(filed.status).toBe(201); // a name is not resolved at filing
    await expireAll(started);
    await eventually(() => started.failed.length === 1);
    expect(started.failed[0]).toMatchObject({ actionId: filed.id });
    expect(started.failed[0]?.error).toMatch(/127\.0\.0\.1, which is not a public address/);
    expect(lookups.length).toBeGreaterThan(0);
    expect(service.hits).toEqual([]);
  });

  it("re-checks a stored URL at delivery once the allowlist is gone", async () => {
    const service = await localService();
    const allowed = `http://127.0.0.1:${service.port}/hooks/`;
    const store = createMemoryStore();
    const started = await inboxWith({ store, callbackUrls: [allowed] });
    // Filed under the allowlist, delivered by an inbox without one (same store and clock).
    const filed = await fileWithCallback(started, `${allowed}cb`);
    expect(filed.status).toBe(201);
    await started.inbox.close();
    const open = await inboxWith({ store }, started.clock);
    await expireAll(open);
    await eventually(() => open.failed.length === 1);
    expect(open.failed[0]?.error).toMatch(/not a public address/);
    expect(service.hits).toEqual([]);
  });
});

describe("callback_url with an allowlist", () => {
  it("an entry allows an internal target; the inbox connects to the resolved address", async () => {
    const service = await localService();
    const started = await inboxWith({
      callbackUrls: [`http://agents.internal:${service.port}/hooks/`],
      callbackLookup: async () => [{ address: "127.0.0.1", family: 4 }],
    });
    const filed = await fileWithCallback(
      started,
      `http://agents.internal:${service.port}/hooks/cb`,
    );
    expect(filed.status).toBe(201);
    await expireAll(started);
    await eventually(() => service.hits.length === 1);
    expect(service.hits).toEqual(["/hooks/cb"]);
  });

  it("does not follow a 3xx and does not retry it: one attempt, then callback.failed", async () => {
    const internal = await localService();
    const redirecting = await localService((_req, res) =>
      res.writeHead(302, { location: `http://127.0.0.1:${internal.port}/admin` }).end(),
    );
    const started = await inboxWith({
      callbackUrls: [`http://127.0.0.1:${redirecting.port}/`],
      callbackRetry: { initialDelayMs: 5, maxDelayMs: 5, windowMs: 300 },
    });
    const filed = await fileWithCallback(started, `http://127.0.0.1:${redirecting.port}/cb`);
    expect(filed.status).toBe(201);
    await expireAll(started);
    await eventually(() => started.failed.length === 1);
    expect(started.failed[0]).toMatchObject({ actionId: filed.id, attempts: 1 });
    expect(started.failed[0]?.error).toMatch(/302.*not followed/);
    await started.inbox.callbacksIdle();
    expect(redirecting.hits).toEqual(["/cb"]);
    expect(internal.hits).toEqual([]);
  });
});

describe("concurrent callback deliveries", () => {
  it("300 expiring actions never hold more than the cap (16), and all are delivered", async () => {
    const held: ServerResponse[] = [];
    let release = false;
    let inFlight = 0;
    let maxInFlight = 0;
    const service = await localService((_req, res) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      res.on("finish", () => {
        inFlight -= 1;
      });
      if (release) res.writeHead(200).end();
      else held.push(res);
    });
    const started = await inboxWith({ callbackUrls: [`http://127.0.0.1:${service.port}/`] });
    for (let batch = 0; batch < 300; batch += 30) {
      const filed = await Promise.all(
        Array.from({ length: 30 }, () =>
          fileWithCallback(started, `http://127.0.0.1:${service.port}/cb`),
        ),
      );
      expect(filed.every((f) => f.status === 201)).toBe(true);
    }
    await expireAll(started);
    await eventually(() => held.length === 16);
    await new Promise((r) => setTimeout(r, 200)); // nothing more starts while all 16 wait
    expect(held).toHaveLength(16);
    release = true;
    for (const res of held.splice(0)) res.writeHead(200).end();
    await eventually(() => service.hits.length === 300, 20_000);
    await started.inbox.callbacksIdle();
    expect(maxInFlight).toBe(16);
    expect(service.maxSockets()).toBeLessThanOrEqual(16);
    expect(started.failed).toEqual([]);
  }, 60_000);
});
