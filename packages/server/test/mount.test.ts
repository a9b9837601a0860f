import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createInbox, type Inbox } from "../src/index.js";
import { AGENT, AGENT_KEY, call, decideAs, file, REVIEWER_TOKEN, requestBody } from "./helpers.js";

let inbox: Inbox | undefined;
let host: Server | undefined;
afterEach(async () => {
  await inbox?.close();
  await new Promise((r) => (host ? host.close(r) : r(undefined)));
  host = undefined;
});

describe("mounted under a prefix of another server", () => {
  it("serves the API at /inbox/api through fetch(request)", async () => {
    inbox = createInbox({
      store: "memory",
      apiKeys: { [AGENT_KEY]: AGENT },
      reviewerTokens: { [REVIEWER_TOKEN]: "alice" },
      basePath: "/inbox",
    });
    const mounted = inbox;
    host = createServer(async (req, res) => {
      if (!req.url?.startsWith("/inbox/")) {
        res.writeHead(200, { "content-type": "text/plain" }).end("host app");
        return;
      }
      const hasBody = req.method !== "GET" && req.method !== "HEAD";
      const request = new Request(`http://${req.headers.host}${req.url}`, {
        method: req.method ?? "GET",
        headers: req.headers as Record<string, string>,
        ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: "half" } : {}),
      });
      const response = await mounted.fetch(request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
    await new Promise<void>((resolve) => host?.listen(0, "127.0.0.1", resolve));
    const origin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    const base = `${origin}/inbox/api`;

    expect(await (await fetch(`${origin}/other`)).text()).toBe("host app");
    const body = requestBody();
    const created = await file(base, body);
    expect(created.status).toBe(201);
    expect(created.body.review_url).toBe(`${origin}/inbox/review/${body.id}`);
    expect((await decideAs(base, body.id, { type: "approve" })).body.status).toBe("approved");
    expect((await call(base, `/actions/${body.id}`, { token: AGENT_KEY })).body.status).toBe(
      "approved",
    );
    const direct = await call(`${origin}/inbox`, "/nothing", { token: AGENT_KEY });
    expect(direct.status).toBe(404);
    expect(direct.body.error.code).toBe("not_found");
  });

  it("listen() answers the webhookUrl with the prefix and /api", async () => {
    inbox = createInbox({ store: "memory", apiKeys: { [AGENT_KEY]: AGENT }, basePath: "/inbox" });
    const { url } = await inbox.listen({ port: 0 });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/inbox\/api$/);
    expect((await file(url, requestBody())).status).toBe(201);
  });

  it("refuses bad options with a clear error", () => {
    expect(() => createInbox({ store: "memory", apiKeys: { short: AGENT } })).toThrow(/apiKeys/);
    expect(() =>
      createInbox({ store: "memory", apiKeys: { [AGENT_KEY]: AGENT }, basePath: "inbox/" }),
    ).toThrow(/basePath/);
    expect(() =>
      createInbox({
        store: "memory",
        apiKeys: { [AGENT_KEY]: AGENT },
        signingSecret: "not base64!",
      }),
    ).toThrow();
  });
});
