/**
 * `GET /analytics` over real HTTP: sign-in first, the strict Content-Security-Policy
 * unchanged, `?range=` validated by the rule of `GET /api/stats` (an unknown, empty or
 * repeated value is a 400 page, never a 500), and the
 * rights filter: carol (tool `delete_customer` only) never sees another tool's name.
 */
import { createManualClock } from "@safeguards/core";
import { afterEach, describe, expect, it } from "vitest";
import type { Inbox } from "../src/index.js";
import { CONTENT_SECURITY_POLICY } from "../src/ui/security-headers.js";
import { AGENT_B, AGENT_B_KEY, decideAs, file, requestBody } from "./helpers.js";
import { ALICE_API_TOKEN, Browser, PASSWORDS, startReviewerInbox } from "./ui-helpers.js";

let inbox: Inbox | undefined;
afterEach(async () => {
  await inbox?.close();
  inbox = undefined;
});

async function seeded() {
  const clock = createManualClock(Date.parse("2026-12-06T10:00:00Z"));
  const started = await startReviewerInbox({}, { clock });
  inbox = started.inbox;
  const transfer = requestBody(clock, {}, 3_600_000);
  const base = requestBody(clock, { agent_id: AGENT_B }, 3_600_000);
  const remove = { ...base, action: { ...base.action!, name: "delete_customer" } };
  expect((await file(started.url, transfer)).status).toBe(201);
  expect((await file(started.url, remove, AGENT_B_KEY)).status).toBe(201);
  clock.advance(120_000);
  expect(
    (await decideAs(started.url, remove.id, { type: "approve" }, ALICE_API_TOKEN)).status,
  ).toBe(200);
  return started;
}

const signedIn = async (root: string, name: keyof typeof PASSWORDS) => {
  const b = new Browser(root);
  expect((await b.signIn(name, PASSWORDS[name])).status).toBe(303);
  return b;
};

describe("/analytics over HTTP", () => {
  it("sends a visitor without a session to sign in, back to the same range", async () => {
    const { root } = await seeded();
    const res = await new Browser(root).fetch("/analytics?range=7d");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(
      `/login?next=${encodeURIComponent("/analytics?range=7d")}`,
    );
  });

  it("answers with the same strict CSP as every reviewer page, and no inline script", async () => {
    const { root } = await seeded();
    const b = await signedIn(root, "alice");
    const res = await b.fetch("/analytics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe|nonce|sha256/);
    const page = await res.text();
    expect(page).toContain('aria-current="page">Last 24 hours</a>');
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page).not.toMatch(/<[^>]*\s(style|on[a-z]+)=/i);
  });

  it("answers an unknown range with a 400 page naming the valid ones", async () => {
    const { root } = await seeded();
    const b = await signedIn(root, "alice");
    const bad = [
      "1y",
      "__proto__",
      "constructor",
      "%00",
      "7d%20",
      "",
      "7d&range=30d",
      "x".repeat(5000),
    ];
    for (const range of bad) {
      const res = await b.fetch(`/analytics?range=${range}`);
      expect(res.status).toBe(400);
      const page = await res.text();
      expect(page).toContain("Unknown range");
      expect(page).toContain('<a href="/analytics?range=30d">');
    }
    expect((await b.fetch("/analytics?range=30d")).status).toBe(200);
    expect((await b.fetch("/analytics")).status).toBe(200); // 24h
  });

  it("shows carol (one tool only) her tool and nothing of the other tool", async () => {
    const { root } = await seeded();
    const alice = await (await (await signedIn(root, "alice")).fetch("/analytics")).text();
    expect(alice).toContain("transfer_funds");
    expect(alice).toContain("delete_customer");
    const carol = await (await (await signedIn(root, "carol")).fetch("/analytics")).text();
    expect(carol).toContain("delete_customer");
    expect(carol).not.toContain("transfer_funds");
    expect(carol).not.toContain("financial_advisor");
  });
});
