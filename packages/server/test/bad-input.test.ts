import { protocol } from "@safeguards/core";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Inbox } from "../src/index.js";
import {
  AGENT_KEY,
  type CallResult,
  call,
  decideAs,
  file,
  REVIEWER_TOKEN,
  requestBody,
  startInbox,
} from "./helpers.js";
import { postChunkedUntilAnswered, postDeclaringSize } from "./oversize-post.js";

let inbox: Inbox;
let url: string;
let pendingId: string;

beforeAll(async () => {
  ({ inbox, url } = await startInbox());
  const body = requestBody();
  pendingId = body.id;
  await file(url, body);
});
afterAll(() => inbox.close());

/** Everything the store holds, to prove a refused request changed nothing. */
async function snapshot() {
  const page = await inbox.store.list({ limit: 1000 });
  const audits = await Promise.all(page.actions.map((a) => inbox.store.auditLog(a.record.id)));
  return JSON.stringify({ page, audits });
}

function expectRefused(res: CallResult) {
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  expect(typeof res.body.error.code).toBe("string");
  expect(typeof res.body.error.message).toBe("string");
}

const keys = Object.keys(requestBody());
/** A valid body with one mutation: a field removed, retyped, or an unknown field added. */
const mutatedBody = fc
  .tuple(
    fc.constantFrom(...keys, "unknown_field"),
    fc.oneof(fc.constant(undefined), fc.jsonValue(), fc.string(), fc.integer()),
  )
  .map(([key, value]) => {
    const body: Record<string, unknown> = { ...requestBody() };
    if (value === undefined) delete body[key];
    else body[key] = value;
    return body;
  });

describe("bad input never yields a 5xx and never changes the store", () => {
  it("mutated and random request bodies", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutatedBody, fc.jsonValue()), async (body) => {
        const before = await snapshot();
        const res = await file(url, body);
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) {
          expectRefused(res);
          expect(await snapshot()).toBe(before);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("random decision bodies", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue(),
          fc.record(
            {
              type: fc.oneof(
                fc.constantFrom("approve", "modify", "reject", "timeout"),
                fc.jsonValue(),
              ),
              response_data: fc.oneof(fc.jsonValue(), fc.dictionary(fc.string(), fc.jsonValue())),
              comments: fc.oneof(fc.string(), fc.jsonValue()),
            },
            { requiredKeys: [] },
          ),
        ),
        async (body) => {
          const type =
            typeof body === "object" && body !== null && !Array.isArray(body)
              ? (body as { type?: unknown }).type
              : undefined;
          // Keep the action pending: only send bodies the inbox must refuse.
          // (`type` may be any JSON value, even one whose String() throws.)
          if (type === "approve" || type === "reject") return;
          const before = await snapshot();
          const res = await decideAs(url, pendingId, body);
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) {
            expectRefused(res);
            expect(await snapshot()).toBe(before);
          }
        },
      ),
      // A type whose String() throws once crashed this test (not the inbox).
      { numRuns: 150, examples: [[{ type: [{ toString: false }] }]] },
    );
  });

  it("malformed JSON and non-JSON bodies", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), async (text) => {
        fc.pre(!isJson(text));
        const before = await snapshot();
        for (const res of [
          await call(url, "/request-approval", {
            token: AGENT_KEY,
            raw: text,
            headers: { "content-type": "application/json" },
          }),
          await call(url, `/actions/${pendingId}/decision`, { token: REVIEWER_TOKEN, raw: text }),
        ]) {
          expectRefused(res);
          expect(res.body.error.code).toBe("invalid_request");
        }
        expect(await snapshot()).toBe(before);
      }),
      { numRuns: 100 },
    );
    const media = await call(url, "/request-approval", {
      token: AGENT_KEY,
      raw: "<xml/>",
      headers: { "content-type": "application/xml" },
    });
    expect(media.status).toBe(415);
  });

  it("random ids and query strings", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1 }), fc.string(), async (id, wait) => {
        const path = `/actions/${encodeURIComponent(id)}`;
        const read = await call(url, `${path}?wait=${encodeURIComponent(wait)}`, {
          token: AGENT_KEY,
        });
        expect(read.status).toBeLessThan(500);
        const decided = await decideAs(url, `${id}x`, { type: "approve" });
        expect([400, 404]).toContain(decided.status);
        const list = await call(
          url,
          `/actions?cursor=${encodeURIComponent(id)}&status=${encodeURIComponent(wait)}`,
          {
            token: REVIEWER_TOKEN,
          },
        );
        expect(list.status).toBeLessThan(500);
        const decisions = await call(url, `/decisions?since=${encodeURIComponent(id)}`, {
          token: AGENT_KEY,
        });
        expect(decisions.status).toBeLessThan(500);
      }),
      { numRuns: 100 },
    );
  });

  it("random cursors on the decisions event stream (query or Last-Event-ID)", async () => {
    const decided = requestBody();
    await file(url, decided);
    await decideAs(url, decided.id, { type: "approve" });
    const printable = (text: string) => text.replace(/[^\x20-\x7e]/g, "");
    const cursor = fc.oneof(
      fc.string().map(printable),
      fc.nat({ max: 5 }).map(String),
      fc.constantFrom("", "now", "-1", "1e3", "0x1", " 1", "9".repeat(16), "00000000000001"),
    );
    await fc.assert(
      fc.asyncProperty(
        cursor,
        fc.boolean(),
        fc.constantFrom("text/event-stream", "application/json, text/event-stream"),
        async (sent, asHeader, accept) => {
          // A header value loses its surrounding spaces on the way (HTTP whitespace).
          const since = asHeader ? sent.trim() : sent;
          const abort = new AbortController();
          const response = await fetch(
            `${url}/decisions${asHeader ? "" : `?since=${encodeURIComponent(sent)}`}`,
            {
              headers: {
                authorization: `Bearer ${AGENT_KEY}`,
                accept,
                ...(asHeader ? { "last-event-id": sent } : {}),
              },
              signal: abort.signal,
            },
          );
          try {
            const valid = since === "" || since === "now" || /^\d{1,15}$/.test(since);
            if (!valid) {
              expect(response.status).toBe(400);
              expect((await response.json()).error.code).toBe("invalid_request");
              return;
            }
            expect(response.status).toBe(200);
            expect(response.headers.get("content-type")).toContain("text/event-stream");
            if (since === "now") return; // nothing before now is sent
            const [next] = await inbox.store.decisionsSince({
              agentId: decided.agent_id,
              after: Number(since || "0"),
              limit: 1,
            });
            if (!next) return; // nothing to send until a later decision
            const reader = response.body?.getReader();
            let text = "";
            while (!text.includes("\n\n")) {
              const chunk = await reader?.read();
              if (!chunk || chunk.done) break;
              text += new TextDecoder().decode(chunk.value);
            }
            expect(text).toContain(`id: ${next.decisionSeq}\n`);
            const data = /^data: (.*)$/m.exec(text)?.[1] ?? "null";
            expect(JSON.parse(data)).toMatchObject({ id: next.record.id });
          } finally {
            abort.abort();
          }
        },
      ),
      { numRuns: 60, examples: [[" 1", true, "text/event-stream"]] },
    );
  });

  it("malformed percent-encoding in paths and queries gets 4xx", async () => {
    for (const path of [
      "/actions/%E0%A4%A",
      "/actions/%",
      "/actions/..%2F..%2Fetc",
      "/actions/x?wait=%",
      "/decisions?since=%",
      "/decisions?since=%E0%A4%A&wait=%ZZ",
    ]) {
      const res = await call(url, path, { token: AGENT_KEY });
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
    }
    const decided = await decideAs(url, "%ZZ", { type: "approve" });
    expect(decided.status).toBe(400);
  });

  it("oversize bodies get 413, with or without content-length", async () => {
    // Answered before the body is read, whatever the timing: a sized body by its declared
    // length, a chunked one as the running count passes the limit.
    const before = await snapshot();
    const headers = { authorization: `Bearer ${AGENT_KEY}`, "content-type": "application/json" };
    const sized = await postDeclaringSize(`${url}/request-approval`, 300 * 1024, headers);
    expect(sized.status).toBe(413);
    expect(JSON.parse(sized.body).error.code).toBe("payload_too_large");
    const chunked = await postChunkedUntilAnswered(
      `${url}/request-approval`,
      headers,
      2 * protocol.MAX_BODY_BYTES,
    );
    expect(chunked.status).toBe(413);
    expect(chunked.sentBeforeAnswer).toBeGreaterThan(protocol.MAX_BODY_BYTES - 64 * 1024);
    expect(await snapshot()).toBe(before);
  });
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
