/**
 * `inbox.listen()` serves every route through the Hono app (@hono/node-server). These cases
 * come from the former node-listener equivalence test: requests that are out of the
 * ordinary at the HTTP level, sent over a real socket.
 */
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { Inbox } from "../src/index.js";
import { AGENT_KEY, REVIEWER_TOKEN, requestBody, startInbox } from "./helpers.js";

const inboxes: Inbox[] = [];
afterEach(async () => {
  await Promise.all(inboxes.splice(0).map((i) => i.close()));
});

async function started(basePath?: string) {
  const { inbox, url } = await startInbox(basePath ? { basePath } : {});
  inboxes.push(inbox);
  return { inbox, url, origin: new URL(url).origin, port: new URL(url).port };
}

/** POSTs `body` with the bearer `token`; answers status, content type and parsed body. */
async function post(url: string, token: string, body: string | Uint8Array<ArrayBuffer>) {
  const response = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body,
  });
  const type = response.headers.get("content-type");
  return {
    status: response.status,
    type,
    body: (await response.json()) as Record<string, unknown>,
  };
}

/** Sends raw request lines over a socket; answers the status code and the JSON body. */
function rawRequest(url: string, head: string[], body: string) {
  const { hostname, port } = new URL(url);
  return new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
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
      resolve({ status: Number(headers.split(" ")[1]), body: JSON.parse(json) });
    });
  });
}

describe("inbox.listen() through Hono", () => {
  it("refuses a body that is not UTF-8 with 400 and the protocol's error body", async () => {
    const { url } = await started();
    const filed = requestBody();
    expect((await post(`${url}/request-approval`, AGENT_KEY, JSON.stringify(filed))).status).toBe(
      201,
    );
    const bad = new Uint8Array([0x7b, 0xff, 0x7d]);
    for (const [path, token] of [
      ["/request-approval", AGENT_KEY],
      [`/actions/${filed.id}/decision`, REVIEWER_TOKEN],
    ] as const) {
      expect(await post(`${url}${path}`, token, bad)).toMatchObject({
        status: 400,
        type: "application/json; charset=utf-8",
        body: { error: { code: "invalid_request", message: "The body is not valid UTF-8" } },
      });
    }
  });

  it("joins repeated Authorization headers as fetch does, which is no valid credential", async () => {
    const { url, port } = await started();
    const answer = await rawRequest(
      url,
      [
        "POST /api/request-approval HTTP/1.1",
        `host: 127.0.0.1:${port}`,
        `authorization: Bearer ${AGENT_KEY}`,
        `authorization: Bearer ${AGENT_KEY}`,
        "content-type: application/json",
        "connection: close",
      ],
      JSON.stringify(requestBody()),
    );
    expect(answer).toMatchObject({ status: 401, body: { error: { code: "unauthorized" } } });
  });

  it("refuses the ids . and .., and resolves a dot segment in the path (no such route)", async () => {
    const { inbox, url, port } = await started();
    const dotted = await post(
      `${url}/request-approval`,
      AGENT_KEY,
      JSON.stringify(requestBody(undefined, { id: ".." })),
    );
    expect(dotted.status).toBe(400);
    const dots = await rawRequest(
      url,
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
    expect(await inbox.store.get("..")).toBeUndefined();
  });

  it("serves filing and deciding under a basePath, review_url from the request's origin", async () => {
    const { url, origin } = await started("/inbox");
    expect(url).toMatch(/\/inbox\/api$/);
    const body = requestBody();
    const filed = await post(`${url}/request-approval`, AGENT_KEY, JSON.stringify(body));
    expect(filed).toMatchObject({
      status: 201,
      body: { review_url: `${origin}/inbox/review/${body.id}` },
    });
    const approve = JSON.stringify({ type: "approve" });
    // A query string on the route changes nothing.
    const decided = await post(`${url}/actions/${body.id}/decision?x=1`, REVIEWER_TOKEN, approve);
    expect(decided).toMatchObject({ status: 200, body: { status: "approved" } });
    // Without the prefix the same paths are not the inbox's.
    const outside = await post(
      `${origin}/api/request-approval`,
      AGENT_KEY,
      JSON.stringify(requestBody()),
    );
    expect(outside.status).toBe(404);
  });
});
