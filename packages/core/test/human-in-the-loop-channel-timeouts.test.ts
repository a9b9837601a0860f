import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ChannelDeliveryError,
  createAlert,
  ErrorCode,
  HumanActionHandler,
  HumanInTheLoopChannel,
  isSafeguardsError,
} from "../src/index.js";
import { type FakeInbox, startFakeInbox } from "./support/fake-inbox.js";

const KEY = "agent-key";
const instantSleep = async () => {};

let inbox: FakeInbox;
let cleanup: Array<() => unknown> = [];

beforeEach(async () => {
  inbox = await startFakeInbox(KEY);
});
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
  await inbox.close();
});

function newChannel(): HumanInTheLoopChannel {
  const channel = new HumanInTheLoopChannel({ sleep: instantSleep });
  cleanup.push(() => channel.shutdown());
  return channel;
}

function newHandler(channel: HumanInTheLoopChannel, timeoutSeconds?: number) {
  const handler = new HumanActionHandler(channel, timeoutSeconds ? { timeoutSeconds } : {});
  cleanup.push(() => handler.shutdown());
  return handler;
}

const base = {
  title: "Approve High-Value Transaction",
  description: "Transaction of $2500.00 requires approval",
  agentId: "financial_advisor",
};

/** Seconds between `created_at` and `expires_at` of the record the inbox stored. */
function filedTimeout(id: string): number {
  const record = inbox.records.get(id);
  if (!record) throw new Error(`inbox has no ${id}`);
  return (Date.parse(record.expires_at) - Date.parse(record.created_at)) / 1000;
}

/** A server that accepts connections and never answers. */
async function silentServer(): Promise<string> {
  const server: Server = createServer(() => {});
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanup.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
}

describe("HumanInTheLoopChannel timeoutSeconds is the guide's approval timeout", () => {
  it("defaults actions to 300 s, and the guide's config sets the approval timeout", async () => {
    const plain = newChannel();
    await plain.initialize({ webhookUrl: inbox.url, apiKey: KEY });
    expect(plain.defaultTimeoutSeconds).toBe(300);
    const a = await newHandler(plain).requestAction({ ...base, id: "act_default" });
    expect(filedTimeout(a.id)).toBe(300);

    // the handler exists before the channel is initialised: the default is read per request
    const channel = newChannel();
    expect(channel.defaultTimeoutSeconds).toBeUndefined();
    const handler = newHandler(channel);
    await channel.initialize({
      webhookUrl: inbox.url,
      apiKey: KEY,
      timeoutSeconds: 120,
      pollInterval: 5,
    });
    const b = await handler.requestAction({ ...base, id: "act_guide" });
    expect(filedTimeout(b.id)).toBe(120);
    expect(b.expiresAt.getTime() - b.requestedAt.getTime()).toBe(120_000);
  });

  it("request > handler > channel: the channel's default is the last resort", async () => {
    const channel = newChannel();
    await channel.initialize({ webhookUrl: inbox.url, apiKey: KEY, timeoutSeconds: 120 });
    const fromRequest = await newHandler(channel).requestAction({
      ...base,
      id: "act_req",
      timeoutSeconds: 45,
    });
    expect(filedTimeout(fromRequest.id)).toBe(45);
    const handler = newHandler(channel, 60);
    expect(filedTimeout((await handler.requestAction({ ...base, id: "act_opt" })).id)).toBe(60);
    handler.setTimeout(90);
    expect(filedTimeout((await handler.requestAction({ ...base, id: "act_set" })).id)).toBe(90);
  });

  it("files alerts of sendNotification with alertTimeoutSeconds, else timeoutSeconds", async () => {
    const channel = newChannel();
    await channel.initialize({ webhookUrl: inbox.url, apiKey: KEY, timeoutSeconds: 120 });
    const alert = createAlert({ title: "Budget", description: "over", severity: "ERROR" });
    expect(await channel.sendNotification(alert)).toBe(true);
    expect(filedTimeout(alert.id)).toBe(120);
    const other = newChannel();
    await other.initialize({
      webhookUrl: inbox.url,
      apiKey: KEY,
      timeoutSeconds: 120,
      alertTimeoutSeconds: 30,
    });
    const second = createAlert({ title: "Budget", description: "again", severity: "ERROR" });
    expect(await other.sendNotification(second)).toBe(true);
    expect(filedTimeout(second.id)).toBe(30);
  });

  it("is forgotten on shutdown", async () => {
    const channel = newChannel();
    await channel.initialize({ webhookUrl: inbox.url, apiKey: KEY, timeoutSeconds: 42 });
    expect(channel.defaultTimeoutSeconds).toBe(42);
    await channel.shutdown();
    expect(channel.defaultTimeoutSeconds).toBeUndefined();
  });
});

describe("HumanInTheLoopChannel requestTimeoutSeconds bounds each HTTP call", () => {
  it("gives up on a silent inbox after requestTimeoutSeconds × attempts, not timeoutSeconds", async () => {
    const channel = newChannel();
    await channel.initialize({
      webhookUrl: await silentServer(),
      apiKey: KEY,
      timeoutSeconds: 300, // the guide's value: approval timeout, not a network timeout
      requestTimeoutSeconds: 0.3,
      maxRetries: 1,
    });
    const handler = newHandler(channel);
    const started = Date.now();
    const error = await handler.requestAction({ ...base, id: "act_silent" }).catch((e) => e);
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(ChannelDeliveryError);
    expect(error.details).toMatchObject({ attempts: 2 });
    expect(elapsed).toBeGreaterThanOrEqual(550); // two attempts of 0.3 s each
    // Far under timeoutSeconds (300 s), with room for a loaded machine.
    expect(elapsed).toBeLessThan(15_000);
    expect(handler.pendingCount).toBe(0);
  });

  it("validates both keys, naming them; snake_case is refused naming the camelCase key", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ timeoutSeconds: 0 }, "timeoutSeconds"],
      [{ timeoutSeconds: "300" }, "timeoutSeconds"],
      [{ requestTimeoutSeconds: 601 }, "requestTimeoutSeconds"],
      [{ requestTimeoutSeconds: -1 }, "requestTimeoutSeconds"],
      [{ request_timeout_seconds: 5 }, "requestTimeoutSeconds"],
      [{ timeout_seconds: 300 }, "timeoutSeconds"],
    ];
    for (const [extra, key] of cases) {
      const error = await new HumanInTheLoopChannel()
        .initialize({ webhookUrl: inbox.url, apiKey: KEY, ...extra })
        .catch((e: unknown) => e);
      expect(isSafeguardsError(error, ErrorCode.INVALID_CONFIG), JSON.stringify(extra)).toBe(true);
      expect((error as Error).message).toContain(`"${key}"`);
    }
  });
});
