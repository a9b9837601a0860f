import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ActionStatus,
  ChannelDeliveryError,
  createAlert,
  ErrorCode,
  HumanActionHandler,
  HumanInTheLoopChannel,
  isSafeguardsError,
  type protocol,
} from "../src/index.js";
import { describeChannelConformance } from "../src/testing/index.js";
import { type FakeInbox, startFakeInbox } from "./support/fake-inbox.js";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const KEY = "agent-key";
const now = () => new Date().toISOString();
const approve = (reviewer = "alice"): protocol.WireDecision => ({
  type: "approve",
  reviewer,
  decided_at: now(),
});

let inbox: FakeInbox;
let channels: HumanInTheLoopChannel[] = [];
const sleeps: number[] = [];
const instantSleep = async (ms: number) => {
  sleeps.push(ms);
};

async function makeChannel(config: Record<string, unknown> = {}, fastSleep = true) {
  const channel = new HumanInTheLoopChannel(fastSleep ? { sleep: instantSleep } : {});
  await channel.initialize({ webhookUrl: inbox.url, apiKey: KEY, ...config });
  channels.push(channel);
  return channel;
}

const request = (id: string) => ({
  title: "Approve High-Value Transaction",
  description: "Transaction of $2500.00 requires approval",
  agentId: "financial_advisor",
  metadata: { action_type: "transaction", amount: "2500.00" },
  id,
});

beforeEach(async () => {
  inbox = await startFakeInbox(KEY);
  sleeps.length = 0;
});
afterEach(async () => {
  for (const c of channels) await c.shutdown();
  channels = [];
  await inbox.close();
});

describe("HumanInTheLoopChannel config", () => {
  it("refuses snake_case keys, naming the camelCase one", async () => {
    const channel = new HumanInTheLoopChannel();
    // @ts-expect-error: the guide's snake_case key does not compile; JavaScript meets the refusal
    await expect(channel.initialize({ webhook_url: "http://x/api", apiKey: KEY })).rejects.toThrow(
      /"webhookUrl"/,
    );
  });

  it("refuses callbackUrl without signingSecret, naming signingSecret", async () => {
    const channel = new HumanInTheLoopChannel();
    const error = await channel
      .initialize({ webhookUrl: "http://x/api", apiKey: KEY, callbackUrl: "http://x/cb" })
      .catch((e: unknown) => e);
    expect(isSafeguardsError(error, ErrorCode.INVALID_CONFIG)).toBe(true);
    expect((error as Error).message).toContain("signingSecret");
  });

  it("throws NOT_INITIALIZED before initialize", async () => {
    const error = await new HumanInTheLoopChannel().getRecord("act_1").catch((e: unknown) => e);
    expect(isSafeguardsError(error, ErrorCode.NOT_INITIALIZED)).toBe(true);
  });
});

describe("HumanInTheLoopChannel with HumanActionHandler", () => {
  it("files the request with bearer auth and signature, and resumes on the decision", async () => {
    const channel = await makeChannel({ signingSecret: SECRET });
    const handler = new HumanActionHandler(channel);
    const action = await handler.requestAction(request("act_sig"));
    const body = inbox.bodies[0]!;
    expect(JSON.parse(body)).toMatchObject({ id: "act_sig", agent_id: "financial_advisor" });
    const headers = inbox.headers[0]!;
    expect(
      new Webhook(SECRET).verify(body, {
        "webhook-id": String(headers["webhook-id"]),
        "webhook-timestamp": String(headers["webhook-timestamp"]),
        "webhook-signature": String(headers["webhook-signature"]),
      }),
    ).toMatchObject({ id: "act_sig" });
    const waiting = handler.waitForAction(action);
    await until(() => inbox.decisionsOpen().now === 1);
    inbox.decide("act_sig", {
      type: "modify",
      response_data: { amount: "1800.00" },
      comments: "reduced",
      reviewer: "alice",
      decided_at: now(),
    });
    await expect(waiting).resolves.toBe(ActionStatus.MODIFIED);
    expect(action.responseData).toEqual({ amount: "1800.00" });
    expect(action.comments).toBe("reduced");
    handler.shutdown();
  });

  it("retries 500s with backoff and files one action (same body each time)", async () => {
    const channel = await makeChannel();
    inbox.script("/request-approval", 500, 503, 429);
    const handler = new HumanActionHandler(channel);
    await handler.requestAction(request("act_retry"));
    const posts = inbox.log.filter((l) => l === "POST /request-approval");
    expect(posts).toHaveLength(4);
    expect(inbox.records.size).toBe(1);
    expect(new Set(inbox.bodies).size).toBe(1);
    expect(sleeps.slice(0, 3).every((ms, i) => ms >= 100 * 2 ** i && ms <= 200 * 2 ** i)).toBe(
      true,
    );
    handler.shutdown();
  });

  it("fails closed with ChannelDeliveryError when every attempt fails", async () => {
    const channel = await makeChannel({ maxRetries: 2 });
    inbox.script("/request-approval", 500, 0, 502);
    const handler = new HumanActionHandler(channel);
    const error = await handler.requestAction(request("act_down")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelDeliveryError);
    expect(handler.getAction("act_down")).toBeUndefined();
    expect(channel.pendingCount).toBe(0);
  });

  it("throws the inbox's error code on a 4xx without retrying", async () => {
    const channel = await makeChannel();
    inbox.script("/request-approval", 409);
    const error = await channel
      .submitRequest({
        ...request("act_409"),
        severity: "WARNING",
        allowedDecisions: ["approve"],
        createdAt: new Date(),
        expiresAt: new Date(Date.now() + 60_000),
      })
      .catch((e: unknown) => e);
    expect(isSafeguardsError(error, ErrorCode.CONFLICT)).toBe(true);
    expect((error as { details: { code: string } }).details.code).toBe("scripted");
    expect(inbox.log.filter((l) => l === "POST /request-approval")).toHaveLength(1);
  });

  it("refuses with unauthorized on a wrong key", async () => {
    const channel = await makeChannel({ apiKey: "wrong" });
    const handler = new HumanActionHandler(channel);
    const error = await handler.requestAction(request("act_key")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelDeliveryError);
    expect(isSafeguardsError((error as Error).cause, ErrorCode.UNAUTHORIZED)).toBe(true);
  });

  it("waits on 200 actions over one /decisions request and resumes each", async () => {
    const channel = await makeChannel();
    const handler = new HumanActionHandler(channel);
    const ids = Array.from({ length: 200 }, (_, i) => `act_many_${i}`);
    const waits = [];
    for (const id of ids)
      waits.push(handler.waitForAction(await handler.requestAction(request(id))));
    await until(() => inbox.decisionsOpen().now === 1);
    for (const id of ids) inbox.decide(id, approve());
    expect(await Promise.all(waits)).toEqual(ids.map(() => ActionStatus.APPROVED));
    expect(inbox.decisionsOpen().max).toBe(1);
    handler.shutdown();
  });

  it("reconnects after a dropped long poll and resumes from its cursor", async () => {
    const channel = await makeChannel();
    const handler = new HumanActionHandler(channel);
    const a = await handler.requestAction(request("act_a"));
    const b = await handler.requestAction(request("act_b"));
    await until(() => inbox.decisionsOpen().now === 1);
    inbox.decide("act_a", approve());
    await expect(handler.waitForAction(a)).resolves.toBe(ActionStatus.APPROVED);
    const cursor = channel.cursor;
    expect(cursor).toBe("1");
    inbox.script("/decisions", 0, 503);
    await until(() => inbox.log.filter((l) => l === "GET /decisions").length >= 4);
    inbox.decide("act_b", { type: "reject", comments: "no", reviewer: "bob", decided_at: now() });
    await expect(handler.waitForAction(b)).resolves.toBe(ActionStatus.REJECTED);
    expect(b.comments).toBe("no");
    handler.shutdown();
  });

  it("falls back to polling every pollInterval when /decisions is missing", async () => {
    const channel = await makeChannel({ pollInterval: 0.05 }, false);
    inbox.script("/decisions", 404, 404); // since=now, then the long poll
    const handler = new HumanActionHandler(channel);
    const action = await handler.requestAction(request("act_poll"));
    await until(() => inbox.log.filter((l) => l === "GET /decisions").length >= 3);
    inbox.decide("act_poll", approve());
    await expect(handler.waitForAction(action)).resolves.toBe(ActionStatus.APPROVED);
    handler.shutdown();
  });

  it("stops the stream when nothing is pending", async () => {
    const channel = await makeChannel();
    const handler = new HumanActionHandler(channel);
    const action = await handler.requestAction(request("act_stop"));
    await until(() => inbox.decisionsOpen().now === 1);
    inbox.decide("act_stop", approve());
    await handler.waitForAction(action);
    await until(() => inbox.decisionsOpen().now === 0); // the stream closes once idle
    handler.shutdown();
  });

  it("resumes an action filed by another channel (restart) with handler.resume", async () => {
    const first = await makeChannel();
    await new HumanActionHandler(first).requestAction(request("act_resume"));
    await first.shutdown();
    inbox.decide("act_resume", approve("carol"));
    const second = await makeChannel();
    const handler = new HumanActionHandler(second);
    const action = await handler.resume("act_resume");
    expect(action.status).toBe(ActionStatus.APPROVED);
    expect(await handler.waitForAction(action)).toBe(ActionStatus.APPROVED);
    await expect(second.getRecord("act_unknown")).resolves.toBeUndefined();
    handler.shutdown();
  });

  it("starts its cursor at now: a fresh channel never replays the key's history", async () => {
    const old = await makeChannel();
    const oldHandler = new HumanActionHandler(old);
    for (const id of ["act_h1", "act_h2", "act_h3"]) {
      await oldHandler.requestAction(request(id));
      inbox.decide(id, approve());
    }
    oldHandler.shutdown();
    const fresh = await makeChannel();
    const seen: string[] = [];
    fresh.onDecision((id) => seen.push(id));
    const handler = new HumanActionHandler(fresh);
    const action = await handler.requestAction(request("act_new"));
    expect(fresh.cursor).toBe("3");
    inbox.decide("act_new", approve());
    await handler.waitForAction(action);
    expect(seen).toEqual(["act_new"]);
    handler.shutdown();
  });

  it("without since=now support, reads history once and emits only its own actions", async () => {
    await inbox.close();
    inbox = await startFakeInbox(KEY, false);
    const old = await makeChannel();
    await new HumanActionHandler(old).requestAction(request("act_o1"));
    inbox.decide("act_o1", approve());
    const fresh = await makeChannel();
    const seen: string[] = [];
    fresh.onDecision((id) => seen.push(id));
    const handler = new HumanActionHandler(fresh);
    const action = await handler.requestAction(request("act_n1"));
    inbox.decide("act_n1", approve());
    await handler.waitForAction(action);
    expect(seen).toEqual(["act_n1"]);
    expect(inbox.log.filter((l) => l === "GET /decisions").length).toBeGreaterThanOrEqual(2);
    handler.shutdown();
  });

  it("cancels, and answers the winning decision when the cancel loses (409)", async () => {
    const channel = await makeChannel();
    const handler = new HumanActionHandler(channel);
    const one = await handler.requestAction(request("act_c1"));
    await expect(handler.cancelAction(one)).resolves.toBe(ActionStatus.CANCELLED);
    await handler.requestAction(request("act_c2"));
    inbox.records.get("act_c2")!.status = "approved";
    inbox.records.get("act_c2")!.decision = approve();
    await expect(channel.cancelRequest("act_c2")).resolves.toMatchObject({
      status: "approved",
      reviewer: "alice",
    });
    handler.shutdown();
  });

  it("expireRequest answers the inbox's decision, or undefined while still pending", async () => {
    const channel = await makeChannel();
    const handler = new HumanActionHandler(channel);
    await handler.requestAction(request("act_e1"));
    inbox.decide("act_e1", { type: "timeout", decided_at: now() });
    await expect(channel.expireRequest("act_e1")).resolves.toMatchObject({ status: "timed_out" });
    await handler.requestAction(request("act_e2"));
    setTimeout(() => inbox.decide("act_e2", approve()), 50);
    await expect(channel.expireRequest("act_e2")).resolves.toMatchObject({ status: "approved" });
    handler.shutdown();
  });
});

describe("HumanInTheLoopChannel callback receiver", () => {
  async function receiver() {
    const channel = await makeChannel({
      signingSecret: SECRET,
      callbackUrl: "http://127.0.0.1:1/cb",
      longPoll: false,
      pollInterval: 3600,
    });
    const handler = new HumanActionHandler(channel);
    const server = await channel.listenForCallbacks({ port: 0 });
    return { channel, handler, server };
  }
  const post = (url: string, body: string, headers: Record<string, string>) =>
    fetch(url, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", ...headers },
    });
  const signed = (id: string, body: string, at = new Date()) => ({
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": new Webhook(SECRET).sign(id, at, body),
  });

  it("sends callback_url and settles the action from a signed callback", async () => {
    const { channel, handler, server } = await receiver();
    const action = await handler.requestAction(request("act_cb"));
    expect(JSON.parse(inbox.bodies[0]!).callback_url).toBe("http://127.0.0.1:1/cb");
    inbox.decide("act_cb", approve());
    const body = JSON.stringify({ type: "action.decided", data: inbox.records.get("act_cb") });
    const res = await post(server.url, body, signed("msg_act_cb", body));
    expect(res.status).toBe(202);
    await expect(handler.waitForAction(action)).resolves.toBe(ActionStatus.APPROVED);
    const replay = await post(server.url, body, signed("msg_act_cb", body));
    expect(replay.status).toBe(200);
    expect(channel.callbackStats).toMatchObject({ accepted: 1, replayed: 1, refused: 0 });
    handler.shutdown();
  });

  it("refuses forged and expired signatures and never settles from them", async () => {
    const { channel, handler, server } = await receiver();
    const action = await handler.requestAction(request("act_forged"));
    const record = {
      ...inbox.records.get("act_forged")!,
      status: "approved",
      decision: approve("mallory"),
    };
    const body = JSON.stringify({ type: "action.decided", data: record });
    const forged = signed("msg_1", body);
    forged["webhook-signature"] = new Webhook("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").sign(
      "msg_1",
      new Date(),
      body,
    );
    expect((await post(server.url, body, forged)).status).toBe(401);
    const old = signed("msg_2", body, new Date(Date.now() - 10 * 60_000));
    expect((await post(server.url, body, old)).status).toBe(401);
    const tampered = signed("msg_3", body);
    expect((await post(server.url, body.replace("mallory", "alice"), tampered)).status).toBe(401);
    expect(action.status).toBe(ActionStatus.PENDING);
    expect(channel.callbackStats?.refused).toBe(3);
    handler.shutdown();
  });

  it("a validly signed callback the inbox does not back settles nothing (202)", async () => {
    const { channel, handler, server } = await receiver();
    const action = await handler.requestAction(request("act_wake"));
    const record = { ...inbox.records.get("act_wake")!, status: "approved", decision: approve() };
    const body = JSON.stringify({ type: "action.decided", data: record });
    expect((await post(server.url, body, signed("msg_w", body))).status).toBe(202);
    // The claim is checked against the inbox, and found not backed.
    await until(
      () => inbox.log.includes("GET /actions/act_wake") && channel.callbackStats?.ignored === 1,
    );
    expect(action.status).toBe(ActionStatus.PENDING);
    expect(channel.callbackStats).toMatchObject({ accepted: 1, settled: 0, ignored: 1 });
    handler.shutdown();
  });

  it("mounts on an existing node:http server", async () => {
    const channel = await makeChannel({ signingSecret: SECRET, callbackUrl: "http://x/cb" });
    const callbacks = channel.createCallbackHandler();
    const server = createServer((req, res) =>
      req.url === "/cb" ? callbacks(req, res) : res.writeHead(404).end(),
    );
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cb`;
    const res = await post(url, "{}", signed("m", "{}"));
    expect(res.status).toBe(400);
    server.close();
  });
});

describe("HumanInTheLoopChannel.sendNotification", () => {
  it("files the alert as an approval request with the alert's id", async () => {
    const channel = await makeChannel({ agentId: "ops" });
    const alert = createAlert({ title: "Budget", description: "over", severity: "ERROR" });
    expect(await channel.sendNotification(alert)).toBe(true);
    expect(inbox.records.get(alert.id)).toMatchObject({ agent_id: "ops", severity: "ERROR" });
  });
});

describeChannelConformance({
  name: "HumanInTheLoopChannel",
  create: () => new HumanInTheLoopChannel({ sleep: instantSleep }),
  async startTransport() {
    let mode: "ok" | "error" | "slow" = "ok";
    const fake = await startFakeInbox(KEY);
    const gate = createServer((req, res) => {
      if (mode === "slow") return;
      if (mode === "error") return void res.writeHead(500).end();
      const target = new URL(req.url ?? "/", fake.url);
      const upstream = httpRequest(target, { method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 500, up.headers);
        up.pipe(res);
      });
      req.pipe(upstream);
    });
    await new Promise<void>((r) => gate.listen(0, "127.0.0.1", r));
    return {
      config: {
        webhookUrl: `http://127.0.0.1:${(gate.address() as AddressInfo).port}/api`,
        apiKey: KEY,
        maxRetries: 0,
      },
      received: () => fake.bodies.map((raw) => ({ raw })),
      fail: (m) => {
        mode = m;
      },
      close: async () => {
        gate.closeAllConnections();
        gate.close();
        await fake.close();
      },
    };
  },
  // one send is bounded by requestTimeoutSeconds × (maxRetries + 1); timeoutSeconds is the
  // guide's approval timeout, not a network bound
  timeoutConfig: (seconds) => ({ requestTimeoutSeconds: seconds }),
  invalidConfigs: [
    { config: { webhookUrl: "ftp://x", apiKey: KEY }, key: "webhookUrl" },
    { config: { webhookUrl: "http://x/api", apiKey: "" }, key: "apiKey" },
    { config: { webhookUrl: "http://x/api", apiKey: KEY, pollInterval: -1 }, key: "pollInterval" },
  ],
});

/** Polls `check` until it holds; `ms` only bounds a failure (room for a loaded machine). */
async function until(check: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}
