/**
 * Bad input on the reviewer side (fast-check): the sign-in form, the web inbox's pages and
 * decision endpoint, Slack's interactivity endpoint and email links get malformed and
 * hostile input. Never a 5xx, and a refused request changes nothing in the store.
 */

import { freePort } from "@safeguards/test-support";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Inbox } from "../src/index.js";
import { file, requestBody } from "./helpers.js";
import { postDeclaringSize } from "./oversize-post.js";
// hostileId is a path segment already (percent-encoded or deliberately broken).
import {
  encode as enc,
  hostileId,
  hostileString,
  hostileValue,
} from "./reliability/fuzz-arbitraries.js";
import { Browser, PASSWORDS, startReviewerInbox } from "./ui-helpers.js";

/** The size limit of the sign-in, sign-out and email forms (bytes). */
const FORM_LIMIT = 16 * 1024;
/** The size limit of Slack's interactivity endpoint (bytes). */
const SLACK_LIMIT = 64 * 1024;

let inbox: Inbox;
let root: string;
let pendingId: string;
let alice: Browser;
let csrf: string;

beforeAll(async () => {
  const port = await freePort();
  const started = await startReviewerInbox(
    {
      publicUrl: `http://127.0.0.1:${port}`,
      // Nothing listens on port 9: posting to Slack and mailing fail (reported to onError).
      slack: {
        signingSecret: "8f742231b10e8888abcd99yyyzzz85a5",
        webhookUrl: "http://127.0.0.1:9/",
      },
      email: { smtp: { host: "127.0.0.1", port: 9 }, from: "inbox@example.test" },
    },
    {},
    port,
  );
  inbox = started.inbox;
  root = started.root;
  const body = requestBody();
  pendingId = body.id;
  expect((await file(started.url, body)).status).toBe(201);
  alice = new Browser(root);
  expect((await alice.signIn("alice", PASSWORDS.alice)).status).toBe(303);
  csrf = await alice.csrf();
  expect(csrf).not.toBe("");
});
afterAll(() => inbox.close());

/** Everything the store holds, to prove a refused request changed nothing. */
async function snapshot() {
  const page = await inbox.store.list({ limit: 1000 });
  const audits = await Promise.all(page.actions.map((a) => inbox.store.auditLog(a.record.id)));
  return JSON.stringify({ page, audits });
}

describe("reviewer-side bad input: no 5xx, the store unchanged", () => {
  it("sign-in form: random fields, raw bodies and content types", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom("name", "password", "_csrf", "next", "x"), hostileString),
        fc.constantFrom(
          "application/x-www-form-urlencoded",
          "application/json",
          "text/plain",
          "multipart/form-data; boundary=x",
        ),
        async (fields, type) => {
          const b = new Browser(root);
          await b.fetch("/login");
          const body = new URLSearchParams(fields).toString();
          if (Buffer.byteLength(body) > FORM_LIMIT) {
            // Refused by its declared size, before a byte of it is read.
            const refused = await postDeclaringSize(`${root}/login`, Buffer.byteLength(body), {
              "content-type": type,
            });
            expect(refused.status).toBe(413);
            return;
          }
          const res = await b.fetch("/login", {
            method: "POST",
            headers: { "content-type": type },
            body,
          });
          expect(res.status).toBeLessThan(500);
          // no password from the generator is right: never signed in
          expect((await b.fetch("/inbox")).status).not.toBe(200);
        },
      ),
      { numRuns: 60 },
    );
    const huge = await postDeclaringSize(`${root}/login`, 185_000, {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(huge.status).toBe(413);
  });

  it("a broken multipart body on the sign-in and sign-out forms is refused, not a 5xx", async () => {
    const broken = {
      method: "POST",
      headers: { "content-type": "multipart/form-data; boundary=x" },
      body: "name=alice&password=nope",
    };
    const b = new Browser(root);
    await b.fetch("/login");
    expect((await b.fetch("/login", broken)).status).toBe(403);
    const bob = new Browser(root);
    expect((await bob.signIn("bob", PASSWORDS.bob)).status).toBe(303);
    expect((await bob.fetch("/logout", broken)).status).toBe(403);
    expect((await bob.fetch("/inbox")).status).toBe(200); // still signed in
  });

  it("web decisions: hostile bodies and ids with a session; without CSRF always 403", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(hostileValue, fc.record({ type: hostileString, response_data: hostileValue })),
        fc.oneof(fc.constant(pendingId), hostileId),
        async (body, id) => {
          const before = await snapshot();
          const raw = JSON.stringify(body) ?? "null";
          const noCsrf = await alice.fetch(`/review/${id}/decision`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: raw,
          });
          expect(noCsrf.status).toBeGreaterThanOrEqual(400); // 403, or 404/431 for odd paths
          expect(noCsrf.status).toBeLessThan(500);
          const res = await alice.fetch(`/review/${id}/decision`, {
            method: "POST",
            headers: { "content-type": "application/json", "x-csrf-token": csrf },
            body: raw,
          });
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) expect(await snapshot()).toBe(before);
        },
      ),
      { numRuns: 120 },
    );
    expect((await inbox.store.get(pendingId))?.record.status).toBe("pending");
  });

  it("pages: hostile ids, filters and searches", async () => {
    await fc.assert(
      fc.asyncProperty(hostileId, hostileString, async (id, q) => {
        for (const path of [
          `/review/${id}`,
          `/history?q=${enc(q)}`,
          `/inbox?agent=${enc(q)}&severity=${id}`,
          `/ui/rows?agent=${enc(q)}`,
        ]) {
          const res = await alice.fetch(path);
          expect(res.status, path).toBeLessThan(500);
          await res.body?.cancel();
        }
      }),
      { numRuns: 60 },
    );
  });

  it("Slack interactions and email links: forged, stale and hostile input decides nothing", async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(
        hostileString,
        fc.option(fc.string(), { nil: undefined }),
        fc.option(fc.string(), { nil: undefined }),
        hostileId,
        async (payload, signature, timestamp, token) => {
          const headers: Record<string, string> = {
            "content-type": "application/x-www-form-urlencoded",
          };
          if (signature !== undefined) headers["x-slack-signature"] = signature;
          if (timestamp !== undefined) headers["x-slack-request-timestamp"] = timestamp;
          const body = new URLSearchParams({ payload }).toString();
          if (Buffer.byteLength(body) > SLACK_LIMIT) {
            const refused = await postDeclaringSize(
              `${root}/slack/interactions`,
              Buffer.byteLength(body),
              headers,
            );
            expect(refused.status).toBe(413);
          } else {
            const slack = await fetch(`${root}/slack/interactions`, {
              method: "POST",
              headers,
              body,
            });
            expect(slack.status).toBe(401); // unsigned
            await slack.body?.cancel();
          }
          const comments = `comments=${enc(payload)}`;
          for (const method of ["GET", "POST"]) {
            const url = new URL(`${root}/email/${token}`).href; // as fetch normalises it
            const form = { "content-type": "application/x-www-form-urlencoded" };
            const mail =
              method === "POST" && Buffer.byteLength(comments) > FORM_LIMIT
                ? await postDeclaringSize(url, Buffer.byteLength(comments), form)
                : await fetch(url, {
                    method,
                    redirect: "manual",
                    ...(method === "POST" ? { headers: form, body: comments } : {}),
                  });
            // refused (4xx), or a redirect when the token normalises away ("..")
            expect(mail.status).toBeGreaterThanOrEqual(300);
            expect(mail.status).toBeLessThan(500);
            expect(mail.status).not.toBe(304);
            if (mail instanceof Response) await mail.body?.cancel();
          }
        },
      ),
      { numRuns: 80 },
    );
    const huge = await postDeclaringSize(`${root}/email/abc`, FORM_LIMIT + 1, {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(huge.status).toBe(413);
    expect(await snapshot()).toBe(before);
  });
});
