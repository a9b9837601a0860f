/**
 * Behind a TLS proxy (`trustProxy`): the forwarded protocol makes cookies `Secure` and pages
 * send HSTS; without `trustProxy` a client's forged `X-Forwarded-Proto` changes nothing; an
 * https public URL alone also turns both on.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Inbox } from "../src/index.js";
import { Browser, PASSWORDS, startReviewerInbox } from "./ui-helpers.js";

let inbox: Inbox | undefined;
afterEach(async () => {
  await inbox?.close();
  inbox = undefined;
});

const HTTPS = { "x-forwarded-proto": "https" };

/** Signs alice in; answers her session cookie line and the pages' HSTS headers. */
async function signIn(root: string, headers: Record<string, string> = {}) {
  const b = new Browser(root, headers);
  const login = await b.fetch("/login");
  const res = await b.signIn("alice", PASSWORDS.alice);
  expect(res.status).toBe(303);
  const page = await b.fetch("/inbox");
  expect(page.status).toBe(200);
  return {
    cookie: res.headers.getSetCookie().find((c) => c.startsWith("sg_session=")) ?? "",
    hsts: [login, res, page].map((r) => r.headers.get("strict-transport-security")),
  };
}

describe("trustProxy", () => {
  it("without it, a forwarded https is ignored: no Secure cookie, no HSTS", async () => {
    const started = await startReviewerInbox();
    inbox = started.inbox;
    const { cookie, hsts } = await signIn(started.root, HTTPS);
    expect(cookie).not.toMatch(/Secure/);
    expect(hsts).toEqual([null, null, null]);
  });

  it("with it, X-Forwarded-Proto: https gives Secure cookies and HSTS on every page", async () => {
    const started = await startReviewerInbox({}, { trustProxy: true });
    inbox = started.inbox;
    const { cookie, hsts } = await signIn(started.root, HTTPS);
    expect(cookie).toMatch(/; Secure/);
    expect(hsts).toEqual(Array(3).fill("max-age=31536000"));
    // The proxy says the client came over plain http: no Secure, no HSTS.
    const plain = await signIn(started.root, { "x-forwarded-proto": "http" });
    expect(plain.cookie).not.toMatch(/Secure/);
    expect(plain.hsts).toEqual([null, null, null]);
  });

  it("an https public URL alone turns on Secure cookies and HSTS", async () => {
    const started = await startReviewerInbox({}, { publicUrl: "https://inbox.example.test" });
    inbox = started.inbox;
    const { cookie, hsts } = await signIn(started.root);
    expect(cookie).toMatch(/; Secure/);
    expect(hsts).toEqual(Array(3).fill("max-age=31536000"));
  });
});
