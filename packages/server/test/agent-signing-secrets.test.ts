/**
 * Per-agent signing secrets (`agentSigningSecrets`): an agent with its own secret gets
 * callbacks signed with it (the shared secret, which other agents hold, does not verify
 * them), its signed requests are checked with it, and a real channel configured with it
 * files and hears its decision through the callback; bad configurations are refused.
 */
import { createServer, type IncomingMessage } from "node:http";
import { InvalidConfigError } from "@safeguards/core";
import { eventually } from "@safeguards/test-support";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import { createInbox } from "../src/index.js";
import { callbackChannel, callbackReceiver, listenLocal } from "./callback-helpers.js";
import { fileTransaction, finish, review } from "./e2e-helpers.js";
import {
  AGENT,
  AGENT_B,
  AGENT_B_KEY,
  AGENT_KEY,
  call,
  decideAs,
  file,
  requestBody,
  SECRET,
  startInbox,
} from "./helpers.js";

const OWN = `whsec_${Buffer.from("financial-advisor-own-secret-32b").toString("base64")}`;

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** Records every callback (raw body and headers) and answers 204. */
async function receiver() {
  const received: Array<{ body: string; headers: IncomingMessage["headers"] }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ body: Buffer.concat(chunks).toString("utf8"), headers: req.headers });
      res.writeHead(204).end();
    });
  });
  const port = await listenLocal(server, cleanup);
  return { url: `http://127.0.0.1:${port}/cb`, origin: `http://127.0.0.1:${port}/`, received };
}

const verifies = (
  secret: string,
  delivery: { body: string; headers: IncomingMessage["headers"] },
) => {
  try {
    new Webhook(secret).verify(delivery.body, delivery.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
};

describe("agentSigningSecrets", () => {
  it("signs an agent's callbacks with its own secret; others keep the shared one", async () => {
    const target = await receiver();
    const { inbox, url } = await startInbox({
      agentSigningSecrets: { [AGENT]: OWN },
      callbackUrls: [target.origin],
    });
    cleanup.push(() => inbox.close());
    const mine = requestBody(undefined, { callback_url: target.url });
    const theirs = requestBody(undefined, { callback_url: target.url, agent_id: AGENT_B });
    expect((await file(url, mine)).status).toBe(201);
    expect((await file(url, theirs, AGENT_B_KEY)).status).toBe(201);
    await decideAs(url, mine.id, { type: "approve" });
    await eventually(() => target.received.length === 1);
    await decideAs(url, theirs.id, { type: "approve" });
    await eventually(() => target.received.length === 2);
    const [toMine, toTheirs] = target.received;
    expect([verifies(OWN, toMine!), verifies(SECRET, toMine!)]).toEqual([true, false]);
    expect([verifies(OWN, toTheirs!), verifies(SECRET, toTheirs!)]).toEqual([false, true]);
  });

  it("checks the agent's signed requests with its own secret", async () => {
    const { inbox, url } = await startInbox({ agentSigningSecrets: { [AGENT]: OWN } });
    cleanup.push(() => inbox.close());
    const signed = (secret: string) => {
      const body = JSON.stringify(requestBody());
      const at = new Date();
      return call(url, "/request-approval", {
        token: AGENT_KEY,
        raw: body,
        headers: {
          "content-type": "application/json",
          "webhook-id": "msg_1",
          "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
          "webhook-signature": new Webhook(secret).sign("msg_1", at, body),
        },
      });
    };
    expect((await signed(SECRET)).status).toBe(401);
    expect((await signed(OWN)).status).toBe(201);
  });

  it("a channel with its own secret files signed and hears the decision by callback", async () => {
    const receiver = await callbackReceiver(cleanup);
    const { inbox, url } = await startInbox({
      agentSigningSecrets: { [AGENT]: OWN },
      callbackUrls: [receiver.origin],
    });
    cleanup.push(() => inbox.close());
    const { channel, handler } = await callbackChannel(url, receiver, cleanup, { secret: OWN });
    const action = await fileTransaction(handler);
    const done = finish(handler, action);
    await review(url, action.id, { type: "approve" });
    expect((await done).status).toBe("approved");
    expect(channel.callbackStats).toMatchObject({ accepted: 1, refused: 0 });
  });

  it("refuses a reused or unattached secret, or one without signingSecret", () => {
    const base = { apiKeys: { [AGENT_KEY]: AGENT }, store: "memory" as const };
    const make = (extra: Record<string, unknown>) => () => createInbox({ ...base, ...extra });
    expect(make({ signingSecret: SECRET, agentSigningSecrets: { [AGENT]: SECRET } })).toThrow(
      InvalidConfigError,
    );
    expect(make({ agentSigningSecrets: { [AGENT]: OWN } })).toThrow(/needs signingSecret/);
    expect(make({ signingSecret: SECRET, agentSigningSecrets: { ghost: OWN } })).toThrow(
      /no API key acts for/,
    );
  });
});
