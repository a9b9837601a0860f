import { inboxPerTest } from "@safeguards/test-support";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import {
  AGENT_B,
  AGENT_B_KEY,
  AGENT_KEY,
  call,
  decideAs,
  file,
  REVIEWER_TOKEN,
  requestBody,
  SECRET,
} from "./helpers.js";

const startInbox = inboxPerTest();
const start = async () => (await startInbox()).url;

describe("authentication and rights", () => {
  it("answers 401 without a credential or with a wrong one, on every endpoint", async () => {
    const url = await start();
    const body = requestBody();
    await file(url, body);
    const endpoints: Array<[string, string, unknown?]> = [
      ["POST", "/request-approval", requestBody()],
      ["GET", `/actions/${body.id}`],
      ["GET", "/actions"],
      ["GET", "/decisions"],
      ["POST", `/actions/${body.id}/decision`, { type: "approve" }],
      ["POST", `/actions/${body.id}/cancel`],
    ];
    for (const [method, path, payload] of endpoints) {
      for (const headers of [
        {} as Record<string, string>,
        { authorization: "Bearer wrong-key-123456" },
        { authorization: `Basic ${AGENT_KEY}` },
        { authorization: `Bearer ${AGENT_KEY}x` },
      ]) {
        const res = await call(url, path, {
          method,
          headers,
          ...(payload ? { body: payload } : {}),
        });
        expect(res.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(401);
        expect(res.body.error.code).toBe("unauthorized");
      }
    }
    const still = await call(url, `/actions/${body.id}`, { token: REVIEWER_TOKEN });
    expect(still.body.status).toBe("pending");
  });

  it("forbids an agent key to decide or list (403), and a reviewer to file or cancel", async () => {
    const url = await start();
    const body = requestBody();
    await file(url, body);
    const decided = await decideAs(url, body.id, { type: "approve" }, AGENT_KEY);
    expect(decided.status).toBe(403);
    expect(decided.body.error.code).toBe("forbidden");
    expect((await call(url, "/actions", { token: AGENT_KEY })).status).toBe(403);
    expect((await file(url, requestBody(), REVIEWER_TOKEN)).status).toBe(403);
    const cancel = await call(url, `/actions/${body.id}/cancel`, {
      method: "POST",
      token: REVIEWER_TOKEN,
    });
    expect(cancel.status).toBe(403);
    expect((await call(url, "/decisions", { token: REVIEWER_TOKEN })).status).toBe(403);
    const record = await call(url, `/actions/${body.id}`, { token: AGENT_KEY });
    expect(record.body.status).toBe("pending");
  });

  it("hides one agent's actions and decisions from another agent's key (404)", async () => {
    const url = await start();
    const body = requestBody();
    await file(url, body);
    const read = await call(url, `/actions/${body.id}`, { token: AGENT_B_KEY });
    expect(read.status).toBe(404);
    const cancel = await call(url, `/actions/${body.id}/cancel`, {
      method: "POST",
      token: AGENT_B_KEY,
    });
    expect(cancel.status).toBe(404);
    const waited = await call(url, `/actions/${body.id}?wait=1`, { token: AGENT_B_KEY });
    expect(waited.status).toBe(404);
    // Filing under the other agent's id: refused, and the answer carries none of its record.
    const reuse = await file(url, { ...body, agent_id: AGENT_B }, AGENT_B_KEY);
    expect(reuse.status).toBe(409);
    expect(JSON.stringify(reuse.body)).not.toContain(body.title);
    expect(reuse.body.id).toBeUndefined();
    await decideAs(url, body.id, { type: "approve" });
    const stream = await call(url, "/decisions", { token: AGENT_B_KEY });
    expect(stream.body.decisions).toEqual([]);
    const own = await call(url, "/decisions", { token: AGENT_KEY });
    expect(own.body.decisions.map((d: { id: string }) => d.id)).toEqual([body.id]);
  });

  it("verifies optional Standard Webhooks signatures on agent requests", async () => {
    const url = await start();
    const signer = new Webhook(SECRET);
    const send = (payload: string, headers: Record<string, string>) =>
      call(url, "/request-approval", {
        token: AGENT_KEY,
        raw: payload,
        headers: { "content-type": "application/json", ...headers },
      });
    const sign = (payload: string, at = new Date(), msgId = `msg_${Math.random()}`) => ({
      "webhook-id": msgId,
      "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      "webhook-signature": signer.sign(msgId, at, payload),
    });
    const good = JSON.stringify(requestBody());
    expect((await send(good, sign(good))).status).toBe(201);
    const tampered = JSON.stringify(requestBody());
    const forged = await send(tampered, sign(JSON.stringify(requestBody())));
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe("unauthorized");
    const stale = await send(tampered, sign(tampered, new Date(Date.now() - 600_000)));
    expect(stale.status).toBe(401);
    const other = new Webhook(`whsec_${Buffer.from("x".repeat(32)).toString("base64")}`);
    const wrongKey = await send(tampered, {
      ...sign(tampered),
      "webhook-signature": other.sign("m", new Date(), tampered),
    });
    expect(wrongKey.status).toBe(401);
    const list = await call(url, "/actions", { token: REVIEWER_TOKEN });
    expect(list.body.actions).toHaveLength(1);
    expect((await send(tampered, {})).status).toBe(201);
  });

  it("refuses a config where one key is both an API key and a reviewer token", async () => {
    await expect(
      startInbox({ apiKeys: { "same-key-123": "a" }, reviewerTokens: { "same-key-123": "b" } }),
    ).rejects.toThrow(/both/);
  });
});
