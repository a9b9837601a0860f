/**
 * End to end delivery: retries through a flaky front (500 twice, then the real inbox) file
 * one action; an unreachable inbox fails closed; the inbox's signed callbacks reach the
 * channel's receiver, and a replay is ignored; 1,000 pending actions wait over one
 * `/decisions` connection; a fresh channel starts at `since=now` and never replays history.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import {
  ActionStatus,
  ChannelDeliveryError,
  HumanActionHandler,
  type HumanInTheLoopChannel,
} from "@safeguards/core";
import { deferCleanup, eventually } from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import { callbackChannel, callbackReceiver, forward, listenLocal } from "./callback-helpers.js";
import { agentChannel, fileTransaction, finish, review } from "./e2e-helpers.js";
import { AGENT, startInbox } from "./helpers.js";

const defer = deferCleanup();
const cleanup = { push: defer };

const instant = { sleep: async () => {} };

async function handlerFor(url: string, config: Record<string, unknown> = {}) {
  const channel: HumanInTheLoopChannel = await agentChannel(url, config, instant);
  const handler = new HumanActionHandler(channel);
  defer(() => channel.shutdown());
  defer(() => handler.shutdown());
  return { channel, handler };
}

const listen = (server: Server) => listenLocal(server, cleanup);

describe("delivery", () => {
  it("retries a 500ing front twice, then files exactly one action", async () => {
    const { inbox, url } = await startInbox();
    defer(() => inbox.close());
    const target = new URL(url);
    let failures = 2;
    let posts = 0;
    const front = createServer((req, res) => {
      if (req.method === "POST" && req.url?.endsWith("/request-approval")) {
        posts += 1;
        if (failures-- > 0) {
          req.resume();
          return void res
            .writeHead(500, { "content-type": "application/json" })
            .end(JSON.stringify({ error: { code: "internal_error", message: "flaky" } }));
        }
      }
      forward(req, res, target);
    });
    const port = await listen(front);
    const { handler } = await handlerFor(`http://127.0.0.1:${port}/api`);
    const action = await fileTransaction(handler);
    expect(posts).toBe(3);
    const list = await fetch(`${url}/actions?status=pending`, {
      headers: { authorization: "Bearer reviewer-token-alice" },
    }).then((r) => r.json() as Promise<{ actions: { id: string }[] }>);
    expect(list.actions.map((a) => a.id)).toEqual([action.id]);
  });

  it("an unreachable inbox rejects requestAction with ChannelDeliveryError; nothing approved", async () => {
    const dead = createServer();
    const port = await listen(dead);
    await new Promise<void>((r) => dead.close(() => r()));
    const { handler } = await handlerFor(`http://127.0.0.1:${port}/api`, { maxRetries: 2 });
    const error = await fileTransaction(handler).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelDeliveryError);
    expect(handler.pendingCount).toBe(0);
  });

  it("decisions arrive through the signed callback; a replayed callback is ignored", async () => {
    // The receiver is on 127.0.0.1 (internal): the inbox calls it only with an allowlist.
    const { inbox, url } = await startInbox({ callbackUrls: (u) => u.hostname === "127.0.0.1" });
    cleanup.push(() => inbox.close());
    let forwarded: { headers: Record<string, string>; body: string } | undefined;
    const receiver = await callbackReceiver(cleanup, (req) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        forwarded = {
          body: Buffer.concat(chunks).toString("utf8"),
          headers: Object.fromEntries(
            ["webhook-id", "webhook-timestamp", "webhook-signature"].map((h) => [
              h,
              String(req.headers[h]),
            ]),
          ),
        };
      });
    });
    const { channel, handler } = await callbackChannel(url, receiver, cleanup);
    const action = await fileTransaction(handler);
    const done = finish(handler, action);
    await review(url, action.id, { type: "approve" });
    expect((await done).status).toBe(ActionStatus.APPROVED);
    expect(channel.callbackStats?.accepted).toBe(1);
    const again = await fetch(receiver.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...forwarded!.headers },
      body: forwarded!.body,
    });
    expect(again.status).toBe(200);
    expect(channel.callbackStats).toMatchObject({ accepted: 1, replayed: 1 });
  });

  it("1,000 pending actions wait over one /decisions connection", async () => {
    const { inbox } = await startInbox();
    defer(() => inbox.close());
    let open = 0;
    let maxOpen = 0;
    let decisionCalls = 0;
    const sockets = new Set<unknown>();
    const server = serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: async (request: Request) => {
        if (!new URL(request.url).pathname.endsWith("/decisions")) return inbox.fetch(request);
        decisionCalls += 1;
        open += 1;
        maxOpen = Math.max(maxOpen, open);
        try {
          return await inbox.fetch(request);
        } finally {
          open -= 1;
        }
      },
    }) as Server;
    server.on("connection", (s: import("node:net").Socket) => {
      sockets.add(s);
      s.once("close", () => sockets.delete(s));
    });
    await new Promise<void>((r) => server.once("listening", r));
    defer(
      () =>
        new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
    );
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
    const { channel, handler } = await handlerFor(url);
    // Live timers of this process, counted at the global setTimeout/clearTimeout (unref'd
    // ones included, which getActiveResourcesInfo leaves out).
    const live = new Set<unknown>();
    const realSet = globalThis.setTimeout;
    const realClear = globalThis.clearTimeout;
    globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...rest: unknown[]) => {
      const handle = realSet(
        (...a: unknown[]) => {
          live.delete(handle);
          fn(...a);
        },
        ms,
        ...rest,
      );
      live.add(handle);
      return handle;
    }) as typeof setTimeout;
    globalThis.clearTimeout = ((handle?: Parameters<typeof clearTimeout>[0]) => {
      live.delete(handle);
      realClear(handle);
    }) as typeof clearTimeout;
    defer(() => {
      globalThis.setTimeout = realSet;
      globalThis.clearTimeout = realClear;
    });
    const timers = () => live.size;
    const timersBefore = timers();
    const actions = [];
    for (let i = 0; i < 1000; i += 50) {
      actions.push(
        ...(await Promise.all(
          Array.from({ length: 50 }, () =>
            handler.requestAction({ title: "t", description: "d", agentId: AGENT }),
          ),
        )),
      );
    }
    const waits = actions.map((a) => handler.waitForAction(a));
    await eventually(() => open === 1);
    expect(channel.pendingCount).toBe(1000);
    // while 1,000 wait: the one long poll plus keep-alive sockets of the 50 concurrent
    // filings (undici retires idle sockets before the server's keep-alive timeout, so a
    // few generations may linger); nothing per action
    expect(sockets.size).toBeLessThan(200);
    // timers too: 1,000 actions with deadlines wait on a few timers (the handler's next
    // deadline, the long poll) plus per-socket ones of the inbox in this process; never
    // one per action (about 50 were measured)
    expect(timers() - timersBefore).toBeLessThan(200);
    for (let i = 0; i < actions.length; i += 50) {
      await Promise.all(
        actions.slice(i, i + 50).map((a) => review(url, a.id, { type: "approve" })),
      );
    }
    const statuses = await Promise.all(waits);
    expect(statuses.every((s) => s === ActionStatus.APPROVED)).toBe(true);
    expect(maxOpen).toBe(1);
    // a few batched polls, never one per action
    expect(decisionCalls).toBeLessThan(250);
  }, 60_000);

  it("a fresh channel takes the since=now cursor and never replays the key's history", async () => {
    const { inbox } = await startInbox();
    defer(() => inbox.close());
    const seenByInbox: Array<{ query: string; status: number; decisions: string[] }> = [];
    const server = serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: async (request: Request) => {
        const url = new URL(request.url);
        const response = await inbox.fetch(request);
        if (url.pathname.endsWith("/decisions")) {
          const body = (await response.clone().json()) as { decisions?: Array<{ id: string }> };
          seenByInbox.push({
            query: url.search,
            status: response.status,
            decisions: (body.decisions ?? []).map((d) => d.id),
          });
        }
        return response;
      },
    }) as Server;
    await new Promise<void>((r) => server.once("listening", r));
    defer(
      () =>
        new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
    );
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
    const old = await handlerFor(url);
    const history: string[] = [];
    for (let i = 0; i < 3; i++) {
      const action = await old.handler.requestAction({
        title: "t",
        description: "d",
        agentId: AGENT,
      });
      await review(url, action.id, { type: "approve" });
      history.push(action.id);
    }
    const latest = await inbox.store.latestDecisionSeq(AGENT);
    expect(latest).toBeGreaterThan(0);
    seenByInbox.length = 0;

    const fresh = await handlerFor(url);
    const heard: string[] = [];
    fresh.channel.onDecision((id) => heard.push(id));
    const action = await fresh.handler.requestAction({
      title: "t",
      description: "d",
      agentId: AGENT,
    });
    expect(fresh.channel.cursor).toBe(String(latest));
    const waiting = fresh.handler.waitForAction(action);
    await eventually(() => seenByInbox.length >= 1);
    await review(url, action.id, { type: "reject" });
    expect(await waiting).toBe(ActionStatus.REJECTED);
    expect(heard).toEqual([action.id]);
    // the first /decisions call is since=now and succeeds (no 400 fallback); no later call
    // goes without a cursor, and no answer carries an old decision
    expect(seenByInbox[0]).toMatchObject({ status: 200, decisions: [] });
    expect(seenByInbox[0]?.query).toContain("since=now");
    expect(seenByInbox.every((r) => r.status === 200 && r.query.includes("since="))).toBe(true);
    const delivered = seenByInbox.flatMap((r) => r.decisions);
    expect(delivered.filter((id) => history.includes(id))).toEqual([]);
    expect(delivered).toContain(action.id);
  });
});
