/**
 * Bad input against an inbox on PostgreSQL: every endpoint fuzzed with fast-check
 * (malformed, oversized and hostile payloads, bad ids in paths, bad query strings, bad
 * credentials and signature headers, wrong methods). Never a 5xx, never a crash, never
 * prototype pollution, and a refused request leaves the actions and audit tables exactly as
 * they were (compared row by row before and after).
 */

import { createTestDatabase, PG_TEST_URL, type TestDatabase } from "@safeguards/test-support";
import fc from "fast-check";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Inbox } from "../../src/index.js";
import {
  AGENT_B_KEY,
  AGENT_KEY,
  decideAs,
  file,
  REVIEWER_TOKEN,
  requestBody,
  startInbox,
} from "../helpers.js";
import {
  encode,
  hostileId,
  hostileRaw,
  hostileSchemaBody,
  hostileString,
  hostileValue,
  mutated,
  quickQueryValue,
} from "./fuzz-arbitraries.js";
import { FUZZ_RUNS } from "./reliability-env.js";

const tokens = fc.constantFrom<string | undefined>(
  AGENT_KEY,
  AGENT_B_KEY,
  REVIEWER_TOKEN,
  undefined,
  "not-a-known-token",
  "x".repeat(5000),
);
/** Mostly the right credential (so the body is parsed), sometimes any of {@link tokens}. */
const mostly = (token: string) =>
  fc.oneof({ arbitrary: fc.constant(token), weight: 5 }, { arbitrary: tokens, weight: 2 });
const garbageHeaders = fc.option(
  fc.record({
    "webhook-id": fc.string({ maxLength: 40 }),
    "webhook-timestamp": fc.constantFrom("0", "-1", "9999999999999", "abc", ""),
    "webhook-signature": fc.constantFrom("v1,AAAA", "v1,", "garbage", "v1a,xyz v1,zzz"),
  }),
  { nil: undefined, freq: 8 },
);
const contentTypes = fc.constantFrom<string | undefined>(
  "application/json",
  "application/json",
  "application/json",
  "application/json",
  "application/json; charset=utf-8",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  undefined,
);

describe.runIf(PG_TEST_URL)("bad input on PostgreSQL: no 5xx, no crash, store unchanged", () => {
  let db: TestDatabase;
  let inbox: Inbox;
  let url: string;
  let admin: pg.Client;
  let pendingId: string;
  const unexpected: unknown[] = [];
  const figures = { requests: 0, refused: 0, accepted: 0, byStatus: {} as Record<number, number> };

  const seedPending = async () => {
    const body = requestBody(undefined, {}, 3_600_000);
    expect((await file(url, body)).status).toBe(201);
    pendingId = body.id;
  };
  const snapshot = async () => {
    const actions = await admin.query("SELECT * FROM actions ORDER BY seq");
    const audit = await admin.query("SELECT * FROM audit_log ORDER BY seq");
    return JSON.stringify([actions.rows, audit.rows]);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ inbox, url } = await startInbox({ store: db.url, onError: (e) => unexpected.push(e) }));
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    const decided = requestBody(undefined, {}, 3_600_000);
    await file(url, decided);
    await decideAs(url, decided.id, { type: "reject", comments: "seed" });
    await seedPending();
  });
  afterAll(async () => {
    await admin?.end();
    await inbox?.close();
    await db?.drop();
    console.log(`\n=== reliability bad input (PostgreSQL) ===\n  ${JSON.stringify(figures)}`);
  });

  /** Sends one request; checks no 5xx, a protocol error body, and the store unchanged if refused. */
  const probe = async (
    method: string,
    path: string,
    options: { token?: string; raw?: string; headers?: Record<string, string> } = {},
  ) => {
    const before = await snapshot();
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    const res = await fetch(url + path, {
      method,
      headers,
      ...(options.raw !== undefined && method !== "GET" && method !== "HEAD"
        ? { body: options.raw }
        : {}),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    figures.requests += 1;
    figures.byStatus[res.status] = (figures.byStatus[res.status] ?? 0) + 1;
    expect(res.status, `${method} ${path.slice(0, 200)} -> ${text.slice(0, 300)}`).toBeLessThan(
      500,
    );
    if (res.status >= 400) {
      figures.refused += 1;
      // 431: Node's HTTP parser refuses an over-long URL or header before the inbox runs.
      if (method !== "HEAD" && res.status !== 431) {
        const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
        expect(typeof body.error?.code).toBe("string");
        expect(typeof body.error?.message).toBe("string");
      }
      expect(await snapshot(), `${method} ${path.slice(0, 200)} changed the store`).toBe(before);
    } else {
      figures.accepted += 1;
    }
    return res.status;
  };

  it("POST /request-approval: mutated, hostile, deep, oversized and broken bodies", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          mutated({ ...requestBody() }),
          hostileRaw({ ...requestBody() }),
          hostileSchemaBody({ ...requestBody() }),
          hostileValue.map((v) => JSON.stringify(v) ?? "null"),
          fc.constant(JSON.stringify({ ...requestBody(), description: "x".repeat(300 * 1024) })),
          fc.constant(JSON.stringify({ ...requestBody(), id: "act_nul\u0000" })),
          fc.constant(JSON.stringify({ ...requestBody(), agent_id: "financial_advisor\u0000" })),
        ),
        mostly(AGENT_KEY),
        contentTypes,
        garbageHeaders,
        async (raw, token, contentType, sig) => {
          await probe("POST", "/request-approval", {
            raw,
            ...(token ? { token } : {}),
            headers: { ...(contentType ? { "content-type": contentType } : {}), ...sig },
          });
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });

  it("GET /actions/{id}?wait= and GET /actions?status&limit&cursor", async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileId,
        quickQueryValue,
        fc.dictionary(
          fc.constantFrom("status", "limit", "cursor", "agent_id", "__proto__", "wait"),
          quickQueryValue,
        ),
        tokens,
        async (id, wait, query, token) => {
          const t = token ? { token } : {};
          await probe("GET", `/actions/${id}?wait=${encode(wait)}`, t);
          const qs = Object.entries(query)
            .map(([k, v]) => `${encode(k)}=${encode(v)}`)
            .join("&");
          await probe("GET", `/actions?${qs}`, t);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });

  it("POST /actions/{id}/decision and /cancel: bad ids, hostile bodies, wrong keys", async () => {
    const decision = { type: "modify", response_data: { amount: "1800.00" }, comments: "x" };
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(hostileId, fc.constant("PENDING")),
        fc.oneof(
          mutated(decision),
          hostileRaw(decision),
          hostileValue.map((v) => JSON.stringify(v) ?? "null"),
          fc.constant(JSON.stringify({ ...decision, comments: "x".repeat(300 * 1024) })),
        ),
        fc.constantFrom(REVIEWER_TOKEN, AGENT_KEY, AGENT_B_KEY, undefined, "not-a-known-token"),
        contentTypes,
        fc.constantFrom("decision", "cancel"),
        async (rawId, raw, anyToken, contentType, verb) => {
          const id = rawId === "PENDING" ? pendingId : rawId;
          // mostly the credential that may use the endpoint
          const token =
            raw.length % 3 === 0 ? anyToken : verb === "decision" ? REVIEWER_TOKEN : AGENT_KEY;
          const status = await probe("POST", `/actions/${id}/${verb}`, {
            raw,
            ...(token ? { token } : {}),
            headers: contentType ? { "content-type": contentType } : {},
          });
          if (status < 300 && rawId === "PENDING") await seedPending(); // it was decided
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });

  it("GET /decisions?since&wait, wrong methods and unknown paths", async () => {
    await fc.assert(
      fc.asyncProperty(
        quickQueryValue,
        quickQueryValue,
        fc.constantFrom("PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "GET", "POST"),
        fc.constantFrom(
          "/request-approval",
          "/decisions",
          "/actions",
          "/actions/ID",
          "/actions/ID/decision",
          "/actions/ID/cancel",
          "/actions/ID/nope",
          "/../api/actions",
          "/%2e%2e/",
          "/",
        ),
        hostileString,
        tokens,
        async (since, wait, method, route, junk, token) => {
          const t = token ? { token } : {};
          await probe("GET", `/decisions?since=${encode(since)}&wait=${encode(wait)}`, t);
          const path = route.replace("ID", encode(junk.slice(0, 200)) || "x");
          // only refusals here: a POST to a real route with this body is refused (no JSON)
          await probe(method, path, { ...t, raw: "not json" });
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });

  it("afterwards: no pollution, no unexpected error, the inbox still serves", async () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
    const res = await fetch(`${url}/actions/${pendingId}`, {
      headers: { authorization: `Bearer ${AGENT_KEY}` },
    });
    expect(res.status).toBe(200);
    expect(unexpected).toEqual([]);
  });
});
