/**
 * The inbox's own node:http listener answers the two busiest routes without Hono. These
 * tests send the same requests to an inbox over HTTP (that listener) and to a twin inbox
 * through `inbox.fetch` (the Hono app) and expect the same status and body every time.
 */
import { connect } from "node:net";
import { createManualClock } from "@safeguards/core";
import { afterEach, describe, expect, it } from "vitest";
import type { Inbox } from "../src/index.js";
import { AGENT_B_KEY, AGENT_KEY, REVIEWER_TOKEN, requestBody, startInbox } from "./helpers.js";

const inboxes: Inbox[] = [];
afterEach(async () => {
  await Promise.all(inboxes.splice(0).map((i) => i.close()));
});

interface Sent {
  method?: string;
  path: string;
  token?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | (() => ReadableStream<Uint8Array>);
}

interface Answer {
  status: number;
  type: string | null;
  body: Record<string, unknown>;
}

/** Two inboxes with one clock: `viaNode` over HTTP, `viaHono` through `fetch`. */
async function twins() {
  const clock = createManualClock(Date.parse("2030-01-01T00:00:00.000Z"));
  const node = await startInbox({ clock });
  const hono = await startInbox({ clock });
  inboxes.push(node.inbox, hono.inbox);
  const origin = new URL(node.url).origin;
  const send = async (target: (r: Request) => Promise<Response>, base: string, sent: Sent) => {
    const body = typeof sent.body === "function" ? sent.body() : sent.body;
    const response = await target(
      new Request(`${base}${sent.path}`, {
        method: sent.method ?? "POST",
        headers: {
          ...(sent.token ? { authorization: `Bearer ${sent.token}` } : {}),
          ...(typeof sent.body === "string" ? { "content-type": "application/json" } : {}),
          ...sent.headers,
        },
        ...(body !== undefined ? { body, duplex: "half" } : {}),
      } as RequestInit),
    );
    const text = await response.text();
    const parsed = JSON.parse(text) as Record<string, unknown>;
    delete parsed.review_url; // holds each inbox's own origin
    return { status: response.status, type: response.headers.get("content-type"), body: parsed };
  };
  return {
    clock,
    origin,
    node,
    /** Sends to both; expects the same answer, and answers it. */
    async both(sent: Sent): Promise<Answer> {
      const viaNode = await send(fetch, node.url, sent);
      const viaHono = await send(hono.inbox.fetch, `${origin}/api`, sent);
      expect(viaNode).toEqual(viaHono);
      return viaNode;
    },
  };
}

/** Sends raw bytes over a socket and answers the status line's code and the body. */
function rawRequest(url: string, head: string[], body: string): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.end(
        `${head.join("\r\n")}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    });
    let text = "";
    socket.on("data", (chunk) => {
      text += chunk.toString("utf8");
    });
    socket.on("error", reject);
    socket.on("end", () => {
      const [headers = "", json = "{}"] = text.split("\r\n\r\n");
      const type = /content-type: ([^\r]+)/i.exec(headers)?.[1] ?? null;
      resolve({ status: Number(headers.split(" ")[1]), type, body: JSON.parse(json) });
    });
  });
}

describe("the node listener and the Hono app answer alike", () => {
  it("filing: created, retried, conflicting, refused credentials, bad bodies", async () => {
    const { both, clock } = await twins();
    const body = requestBody(clock);
    const json = JSON.stringify(body);
    expect(await both({ path: "/request-approval", token: AGENT_KEY, body: json })).toMatchObject({
      status: 201,
      type: "application/json",
      body: { id: body.id, status: "pending" },
    });
    expect((await both({ path: "/request-approval", token: AGENT_KEY, body: json })).status).toBe(
      200,
    );
    const changed = JSON.stringify({ ...body, title: "Another title" });
    const codes: Array<[Sent, number, string]> = [
      [{ path: "/request-approval", token: AGENT_KEY, body: changed }, 409, "conflict"],
      [{ path: "/request-approval", body: json }, 401, "unauthorized"],
      [{ path: "/request-approval", token: "not-a-key-at-all", body: json }, 401, "unauthorized"],
      [{ path: "/request-approval", token: REVIEWER_TOKEN, body: json }, 403, "forbidden"],
      [{ path: "/request-approval", token: AGENT_B_KEY, body: json }, 403, "forbidden"],
      [{ path: "/request-approval", token: AGENT_KEY, body: "{not json" }, 400, "invalid_request"],
      [{ path: "/request-approval", token: AGENT_KEY, body: "[]" }, 400, "invalid_request"],
      [
        { path: "/request-approval", token: AGENT_KEY, body: new Uint8Array([0x7b, 0xff, 0x7d]) },
        400,
        "invalid_request",
      ],
      [
        {
          path: "/request-approval",
          token: AGENT_KEY,
          headers: { "content-type": "application/xml" },
          body: json,
        },
        415,
        "unsupported_media_type",
      ],
      [
        { path: "/request-approval", token: AGENT_KEY, body: `{"pad":"${"x".repeat(300_000)}"}` },
        413,
        "payload_too_large",
      ],
      [
        {
          // chunked: no Content-Length, so the limit applies while reading
          path: "/request-approval",
          token: AGENT_KEY,
          body: () =>
            new ReadableStream({
              start(controller) {
                for (let i = 0; i < 40; i++) controller.enqueue(new Uint8Array(10_000).fill(32));
                controller.close();
              },
            }),
        },
        413,
        "payload_too_large",
      ],
      [
        {
          path: "/request-approval",
          token: AGENT_KEY,
          headers: { "webhook-id": "msg_1", "webhook-timestamp": "1", "webhook-signature": "v1,x" },
          body: json,
        },
        401,
        "unauthorized",
      ],
    ];
    for (const [sent, status, code] of codes) {
      const answer = await both(sent);
      expect({ status: answer.status, code: (answer.body.error as { code: string }).code }).toEqual(
        { status, code },
      );
      expect(answer.type).toBe("application/json; charset=utf-8");
    }
  });

  it("deciding: refused, decided once, and paths the listener leaves to Hono", async () => {
    const { both, clock } = await twins();
    const first = requestBody(clock);
    const second = requestBody(clock);
    for (const body of [first, second]) {
      await both({ path: "/request-approval", token: AGENT_KEY, body: JSON.stringify(body) });
    }
    const approve = JSON.stringify({ type: "approve", comments: "ok" });
    const decision = (id: string) => `/actions/${id}/decision`;
    expect((await both({ path: decision(first.id), token: AGENT_KEY, body: approve })).status).toBe(
      403,
    );
    expect(
      (await both({ path: decision("act_unknown"), token: REVIEWER_TOKEN, body: approve })).status,
    ).toBe(404);
    expect(
      (await both({ path: decision("bad%20id"), token: REVIEWER_TOKEN, body: approve })).status,
    ).toBe(400);
    const modify = JSON.stringify({ type: "modify", response_data: { amount: "12" } });
    expect(
      await both({ path: decision(first.id), token: REVIEWER_TOKEN, body: modify }),
    ).toMatchObject({ status: 422, body: { error: { code: "invalid_modification" } } });
    const decided = await both({ path: decision(first.id), token: REVIEWER_TOKEN, body: approve });
    expect(decided).toMatchObject({
      status: 200,
      body: { status: "approved", decision: { type: "approve", reviewer: "alice" } },
    });
    expect(
      (await both({ path: decision(first.id), token: REVIEWER_TOKEN, body: approve })).body,
    ).toMatchObject({ error: { code: "already_decided" } });
    // A query string and a percent-encoded id go through Hono on both sides.
    const viaQuery = await both({
      path: `${decision(second.id)}?source=test`,
      token: REVIEWER_TOKEN,
      body: JSON.stringify({ type: "reject", comments: "no" }),
    });
    expect(viaQuery).toMatchObject({ status: 200, body: { status: "rejected" } });
  });

  it("builds review_url from the request's own origin, and joins repeated headers as fetch does", async () => {
    const { node, clock, origin } = await twins();
    const body = requestBody(clock);
    const filed = await fetch(`${node.url}/request-approval`, {
      method: "POST",
      headers: { authorization: `Bearer ${AGENT_KEY}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(await filed.json()).toMatchObject({ review_url: `${origin}/review/${body.id}` });
    // Two Authorization headers: web Headers joins them ("Bearer a, Bearer b"), which is not a
    // valid credential; node alone would keep only the first.
    const { port } = new URL(node.url);
    const answer = await rawRequest(
      node.url,
      [
        `POST /api/request-approval HTTP/1.1`,
        `host: 127.0.0.1:${port}`,
        `authorization: Bearer ${AGENT_KEY}`,
        `authorization: Bearer ${AGENT_KEY}`,
        "content-type: application/json",
        "connection: close",
      ],
      JSON.stringify(requestBody(clock)),
    );
    expect(answer).toMatchObject({ status: 401, body: { error: { code: "unauthorized" } } });
    // "." and ".." are no action ids (a path would resolve them away), and a dot segment in
    // the path is resolved as @hono/node-server does: no such route.
    const dotted = requestBody(clock, { id: ".." });
    const filedDots = await fetch(`${node.url}/request-approval`, {
      method: "POST",
      headers: { authorization: `Bearer ${AGENT_KEY}`, "content-type": "application/json" },
      body: JSON.stringify(dotted),
    });
    expect(filedDots.status).toBe(400);
    const dots = await rawRequest(
      node.url,
      [
        "POST /api/actions/../decision HTTP/1.1",
        `host: 127.0.0.1:${port}`,
        `authorization: Bearer ${REVIEWER_TOKEN}`,
        "content-type: application/json",
        "connection: close",
      ],
      JSON.stringify({ type: "approve" }),
    );
    expect(dots).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
    expect(await node.inbox.store.get("..")).toBeUndefined();
  });

  it("serves the two routes under a basePath too", async () => {
    const { inbox, url } = await startInbox({ basePath: "/inbox" });
    inboxes.push(inbox);
    expect(url).toMatch(/\/inbox\/api$/);
    const body = requestBody();
    const filed = await fetch(`${url}/request-approval`, {
      method: "POST",
      headers: { authorization: `Bearer ${AGENT_KEY}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(filed.status).toBe(201);
    expect(await filed.json()).toMatchObject({
      review_url: `${new URL(url).origin}/inbox/review/${body.id}`,
    });
    const decided = await fetch(`${url}/actions/${body.id}/decision`, {
      method: "POST",
      headers: { authorization: `Bearer ${REVIEWER_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ type: "approve" }),
    });
    expect(decided.status).toBe(200);
    // Without the prefix the same paths are not the inbox's.
    const outside = await fetch(`${new URL(url).origin}/api/request-approval`, {
      method: "POST",
      headers: { authorization: `Bearer ${AGENT_KEY}`, "content-type": "application/json" },
      body: JSON.stringify(requestBody()),
    });
    expect(outside.status).toBe(404);
  });
});
