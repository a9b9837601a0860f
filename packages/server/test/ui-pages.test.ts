/**
 * The web inbox's pages and live stream over real HTTP: filters and counts, escaping,
 * the arguments table, history search, and change events (created, decided, expired)
 * filtered by the reviewer's rights.
 */
import { createManualClock } from "@safeguards/core";
import { afterEach, describe, expect, it } from "vitest";
import type { Inbox } from "../src/index.js";
import { AGENT_B, AGENT_B_KEY, call, file, requestBody } from "./helpers.js";
import {
  ALICE_API_TOKEN,
  Browser,
  openEvents,
  PASSWORDS,
  startReviewerInbox,
} from "./ui-helpers.js";

let inbox: Inbox | undefined;
afterEach(async () => {
  await inbox?.close();
  inbox = undefined;
});

const clock = () => createManualClock(Date.parse("2026-11-29T12:00:00Z"));

async function signedIn(name: keyof typeof PASSWORDS, c = clock()) {
  const started = await startReviewerInbox({}, { clock: c });
  inbox = started.inbox;
  const b = new Browser(started.root);
  expect((await b.signIn(name, PASSWORDS[name])).status).toBe(303);
  return { ...started, b, clock: c };
}

describe("inbox list, review page and history", () => {
  it("filters by agent and severity, counts per severity, escapes agent text", async () => {
    const { url, b, clock: c } = await signedIn("alice");
    const a = requestBody(c, { severity: "CRITICAL", title: "<b>bold</b> & co" });
    const z = requestBody(c, { severity: "INFO", agent_id: AGENT_B });
    await file(url, a);
    await file(url, z, AGENT_B_KEY);
    const all = await (await b.fetch("/inbox")).text();
    expect(all).toContain("&lt;b&gt;bold&lt;/b&gt; &amp; co");
    expect(all).not.toContain("<b>bold</b>");
    expect(all).toMatch(/<strong class="total">2<\/strong>/);
    expect(all.indexOf(z.id)).toBeLessThan(all.indexOf(a.id)); // newest first
    const critical = await (await b.fetch("/inbox?severity=CRITICAL")).text();
    expect(critical).toContain(a.id);
    expect(critical).not.toContain(`data-id="${z.id}"`);
    const other = await (await b.fetch(`/ui/rows?agent=${AGENT_B}`)).text();
    expect(other).toContain(z.id);
    expect(other).not.toContain(`data-id="${a.id}"`);
  });

  it("shows arguments with their JSON types and exact values, and the audit trail", async () => {
    const { url, b, clock: c } = await signedIn("alice");
    const body = requestBody(c);
    await file(url, body);
    const page = await (await b.fetch(`/review/${body.id}`)).text();
    expect(page).toContain(
      '<th scope="row"><code>amount</code></th><td class="type">string</td><td><code class="value">&quot;2500.00&quot;</code>',
    );
    expect(page).toContain("agent:financial_advisor");
    expect(page).toContain('<script type="application/json" id="action-data">');
    expect((await b.fetch("/review/no_such_action")).status).toBe(404);
  });

  it("history lists decided actions with who decided, searchable", async () => {
    const { url, b, clock: c } = await signedIn("alice");
    const one = requestBody(c, { title: "Refund order 17" });
    const two = requestBody(c, { title: "Transfer to ACME" });
    await file(url, one);
    await file(url, two);
    const csrf = await b.csrf();
    await b.decide(one.id, { type: "reject", comments: "duplicate refund" }, csrf);
    await b.decide(two.id, { type: "approve" }, csrf);
    const all = await (await b.fetch("/history")).text();
    expect(all).toContain("2 decided actions");
    const found = await (await b.fetch("/history?q=duplicate%20REFUND")).text();
    expect(found).toContain("1 decided action");
    expect(found).toContain("Refund order 17");
    expect(found).toContain('<td class="who">alice</td>');
    expect(await (await b.fetch("/history?q=nothing-like-this")).text()).toContain(
      "0 decided actions",
    );
  });
});

describe("live events", () => {
  it("streams created, decided and expired changes the reviewer may see, nothing else", async () => {
    const { url, b, clock: c } = await signedIn("bob"); // bob: only the other agent
    const events = await openEvents(b);
    await file(url, requestBody(c)); // not bob's: no event
    const mine = requestBody(c, { agent_id: AGENT_B }, 60_000);
    await file(url, mine, AGENT_B_KEY);
    expect(await events.next()).toEqual({ id: mine.id, status: "pending" });
    const decided = requestBody(c, { agent_id: AGENT_B });
    await file(url, decided, AGENT_B_KEY);
    expect(await events.next()).toEqual({ id: decided.id, status: "pending" });
    await call(url, `/actions/${decided.id}/decision`, {
      token: ALICE_API_TOKEN,
      body: { type: "approve" },
    });
    expect(await events.next()).toEqual({ id: decided.id, status: "approved" });
    c.advance(61_000);
    await inbox!.sweepExpired();
    expect(await events.next()).toEqual({ id: mine.id, status: "timed_out" });
    const list = await (await b.fetch("/ui/rows")).text();
    expect(list).toContain("Nothing waiting for you.");
    await events.close();
  });

  it("refuses the stream without a session", async () => {
    const { root } = await signedIn("alice");
    expect((await new Browser(root).fetch("/ui/events")).status).toBe(401);
  });
});
