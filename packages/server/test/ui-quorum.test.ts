/**
 * The web inbox's four-eyes pages over real HTTP: the review page shows the approvals so far
 * ("1 of 2 approvals (alice)"), the assignees, the escalation timeline and the time to the
 * next step; a reviewer who already approved reads "waiting for 1 more approval" instead of
 * the buttons; "assigned to me" filters the list (with true counts); a reviewer who is not
 * assigned sees the action nowhere until an escalation step reaches them.
 */
import { createManualClock } from "@safeguards/core";
import { afterEach, describe, expect, it } from "vitest";
import type { Inbox } from "../src/index.js";
import { AGENT_B_KEY, call, file, requestBody } from "./helpers.js";
import {
  DAVE,
  ESCALATE_AFTER_SECONDS,
  quorumAccounts,
  quorumBody,
} from "./reviewer-quorum-helpers.js";
import {
  ALICE_API_TOKEN,
  BOB_API_TOKEN,
  Browser,
  openLiveEvents,
  PASSWORDS,
  startReviewerInbox,
} from "./ui-helpers.js";

let inbox: Inbox | undefined;
afterEach(async () => {
  await inbox?.close();
  inbox = undefined;
});

async function setup() {
  const clock = createManualClock(Date.parse("2026-11-29T12:00:00Z"));
  const started = await startReviewerInbox({ accounts: quorumAccounts() }, { clock });
  inbox = started.inbox;
  const signIn = async (name: string, password: string) => {
    const b = new Browser(started.root);
    expect((await b.signIn(name, password)).status).toBe(303);
    return b;
  };
  return { ...started, clock, signIn };
}

const approve = (url: string, id: string, token: string) =>
  call(url, `/actions/${id}/decision`, { token, body: { type: "approve", comments: "fine" } });
const text = async (b: Browser, path: string) => {
  const res = await b.fetch(path);
  return { status: res.status, body: await res.text() };
};

describe("four-eyes review page", () => {
  it("shows approvals, assignees, the escalation plan; an approver waits instead of deciding", async () => {
    const { url, clock, signIn } = await setup();
    const body = quorumBody(clock);
    expect((await file(url, body, AGENT_B_KEY)).status).toBe(201);
    const bob = await signIn("bob", PASSWORDS.bob);
    const before = await text(bob, `/review/${body.id}`);
    expect(before.body).toContain("0 of 2 approvals");
    expect(before.body).toContain("Assigned to <strong>alice, bob</strong>");
    const due = new Date(clock.now() + ESCALATE_AFTER_SECONDS * 1000).toISOString();
    // The next step and the countdown to it (the script turns data-until into "in 59s").
    expect(before.body).toContain(`data-until="${due}"`);
    expect(before.body).toContain("group:cfo");

    const first = await approve(url, body.id, ALICE_API_TOKEN);
    expect(first.status).toBe(200);
    expect(first.body.status).toBe("pending");
    const bobPage = await text(bob, `/review/${body.id}`);
    expect(bobPage.body).toContain("1 of 2 approvals (alice)");
    expect(bobPage.body).toContain(
      '<li><strong>alice</strong> at <time datetime="2026-11-29T12:00:00.000Z">2026-11-29T12:00:00.000Z</time>: <q>fine</q></li>',
    );
    expect(bobPage.body).toContain('id="approve"');

    const alice = await signIn("alice", PASSWORDS.alice);
    const alicePage = await text(alice, `/review/${body.id}`);
    expect(alicePage.body).toContain("waiting for 1 more approval");
    expect(alicePage.body).toContain("You may still reject it: a veto ends it at once.");
    expect(alicePage.body).not.toContain('id="approve"');
    expect(alicePage.body).not.toContain('id="modify"');
    expect(alicePage.body).toContain('id="reject"');
    expect(alicePage.body).toContain('id="reject-form"');
    // The list says where each action stands.
    expect((await text(alice, "/inbox")).body).toContain("1 of 2 approvals (alice)");

    // A second approval through the web endpoint settles it; the page shows both.
    const csrf = await bob.csrf();
    const settled = await bob.decide(body.id, { type: "approve" }, csrf);
    expect(settled.status).toBe(200);
    expect(((await settled.json()) as { status: string }).status).toBe("approved");
    const done = await text(bob, `/review/${body.id}`);
    expect(done.body).toContain("2 of 2 approvals (alice, bob)");
    expect(done.body).not.toContain('id="approve"');
    expect(done.body).not.toContain("data-until"); // no escalation is pending any more
  });

  it("a reviewer who approved gets already_approved from the web endpoint", async () => {
    const { url, clock, signIn } = await setup();
    const body = quorumBody(clock);
    await file(url, body, AGENT_B_KEY);
    const alice = await signIn("alice", PASSWORDS.alice);
    const csrf = await alice.csrf();
    expect((await alice.decide(body.id, { type: "approve" }, csrf)).status).toBe(200);
    const again = await alice.decide(body.id, { type: "approve" }, csrf);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe(
      "already_approved",
    );
  });

  it("a reviewer who approved may still veto from the page's Reject form (web endpoint)", async () => {
    const { url, clock, signIn } = await setup();
    const body = quorumBody(clock, { allowed_decisions: ["approve", "reject"] });
    await file(url, body, AGENT_B_KEY);
    const alice = await signIn("alice", PASSWORDS.alice);
    const csrf = await alice.csrf();
    expect((await alice.decide(body.id, { type: "approve" }, csrf)).status).toBe(200);
    const page = (await text(alice, `/review/${body.id}`)).body;
    expect(page).toContain('id="reject"');
    const vetoed = await alice.decide(
      body.id,
      { type: "reject", comments: "on second thought" },
      csrf,
    );
    expect(vetoed.status).toBe(200);
    const record = (await vetoed.json()) as {
      status: string;
      decision: { reviewer: string; approvals: { reviewer: string }[] };
    };
    expect(record.status).toBe("rejected");
    expect(record.decision.reviewer).toBe("alice");
    expect(record.decision.approvals.map((a) => a.reviewer)).toEqual(["alice"]);
    const done = (await text(alice, `/review/${body.id}`)).body;
    expect(done).not.toContain('id="reject"');
    expect(done).not.toContain("You may still reject");
  });

  it("a reviewer who approved an action that cannot be rejected is offered no Reject", async () => {
    const { url, clock, signIn } = await setup();
    const body = quorumBody(clock, { allowed_decisions: ["approve"] });
    await file(url, body, AGENT_B_KEY);
    const alice = await signIn("alice", PASSWORDS.alice);
    expect((await alice.decide(body.id, { type: "approve" }, await alice.csrf())).status).toBe(200);
    const page = (await text(alice, `/review/${body.id}`)).body;
    expect(page).toContain("waiting for 1 more approval");
    expect(page).not.toContain('id="reject"');
    expect(page).not.toContain("You may still reject");
  });

  it("shows the escalation timeline once a step is applied, and the new assignee sees it", async () => {
    const { url, clock, signIn } = await setup();
    const body = quorumBody(clock);
    await file(url, body, AGENT_B_KEY);
    const dave = await signIn(DAVE.name, DAVE.password);
    expect((await text(dave, "/inbox")).body).not.toContain(body.id);
    const hidden = await text(dave, `/review/${body.id}`);
    expect(hidden.status).toBe(403);
    expect(hidden.body).not.toContain(body.title);

    const events = await openLiveEvents(dave);
    clock.advance(ESCALATE_AFTER_SECONDS * 1000 + 1);
    await inbox!.sweepExpired();
    // The step reaches dave's open inbox live.
    expect(await events.next()).toEqual({ id: body.id, status: "pending" });
    await events.close();
    const page = await text(dave, `/review/${body.id}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain("Assigned to <strong>alice, bob, group:cfo</strong>");
    expect(page.body).toMatch(
      /escalated to <strong>group:cfo<\/strong> at <time datetime="2026-11-29T12:01:00/,
    );
    expect(page.body).not.toContain("data-until"); // no step left
    expect((await text(dave, "/inbox")).body).toContain(body.id);
    expect((await approve(url, body.id, DAVE.token)).status).toBe(200);
  });
});

describe("modifications under review", () => {
  it("shows the proposed changes and starts the Modify form from them", async () => {
    const { url, clock, signIn } = await setup();
    const body = quorumBody(clock);
    await file(url, body, AGENT_B_KEY);
    const modified = await call(url, `/actions/${body.id}/decision`, {
      token: ALICE_API_TOKEN,
      body: { type: "modify", response_data: { amount: "1800.00" } },
    });
    expect(modified.body.status).toBe("pending");
    const bob = await signIn("bob", PASSWORDS.bob);
    const page = (await text(bob, `/review/${body.id}`)).body;
    expect(page).toContain(
      "<caption>Proposed changes (under review: approving approves them)</caption>",
    );
    expect(page).toContain('<code class="value">&quot;1800.00&quot;</code>');
    expect(page).toContain('{"target":{"amount":"1800.00","to":"ACME"}');
    expect(page).toContain("1 of 2 approvals (alice)");
  });
});

describe("hostile assignee names", () => {
  it("render as text on the review page (names are the agent's words)", async () => {
    const { url, clock, signIn } = await setup();
    const body = quorumBody(clock, {
      assignees: ["bob", "<img/src=x/onerror=alert(1)>"],
      escalation: [{ after_seconds: 60, assignees: ["<script>alert(2)</script>"] }],
      required_approvals: 1, // bob alone can decide it (the other names are no reviewers)
    });
    expect((await file(url, body, AGENT_B_KEY)).status).toBe(201);
    const bob = await signIn("bob", PASSWORDS.bob);
    const page = (await text(bob, `/review/${body.id}`)).body;
    expect(page).toContain("bob, &lt;img/src=x/onerror=alert(1)&gt;");
    expect(page).toContain("&lt;script&gt;alert(2)&lt;/script&gt;");
    expect(page).not.toContain("<img/src");
    expect(page).not.toContain("<script>alert");
  });
});

describe("inbox list and assignees", () => {
  it('"assigned to me" keeps the actions naming the reviewer or a group of theirs, with true counts', async () => {
    const { url, clock, signIn } = await setup();
    const mine = quorumBody(clock, {
      assignees: ["bob"],
      escalation: undefined,
      required_approvals: 1,
    });
    const open = requestBody(clock, { agent_id: quorumBody(clock).agent_id });
    await file(url, mine, AGENT_B_KEY);
    await file(url, open, AGENT_B_KEY);
    const bob = await signIn("bob", PASSWORDS.bob);
    const all = (await text(bob, "/inbox")).body;
    expect(all).toContain(`data-id="${mine.id}"`);
    expect(all).toContain(`data-id="${open.id}"`);
    const assigned = (await text(bob, "/inbox?assigned=me")).body;
    expect(assigned).toContain(`data-id="${mine.id}"`);
    expect(assigned).not.toContain(`data-id="${open.id}"`);
    expect(assigned).toContain('<option value="me" selected>to me</option>');
    expect(assigned).toContain("1 match the filter");
    const rows = (await text(bob, "/ui/rows?assigned=me")).body;
    expect(rows).not.toContain(`data-id="${open.id}"`);
  });

  it("a reviewer who is not assigned sees the action in no list, page or count", async () => {
    const { url, clock, signIn } = await setup();
    const bobsOnly = quorumBody(clock, { assignees: ["bob"], required_approvals: 1 });
    await file(url, bobsOnly, AGENT_B_KEY);
    const alice = await signIn("alice", PASSWORDS.alice);
    const list = (await text(alice, "/inbox")).body;
    expect(list).not.toContain(bobsOnly.id);
    expect(list).toMatch(/<strong class="total">0<\/strong>/);
    const page = await text(alice, `/review/${bobsOnly.id}`);
    expect(page.status).toBe(403);
    expect(page.body).not.toContain(bobsOnly.title);
    const csrf = await alice.csrf();
    expect((await alice.decide(bobsOnly.id, { type: "approve" }, csrf)).status).toBe(403);
    // Live events: alice hears of the action filed next, never of bob's.
    const events = await openLiveEvents(alice);
    const bob = await signIn("bob", PASSWORDS.bob);
    expect((await text(bob, "/inbox")).body).toContain(bobsOnly.id);
    expect((await approve(url, bobsOnly.id, BOB_API_TOKEN)).body.status).toBe("approved");
    const open = quorumBody(clock, { assignees: undefined, escalation: undefined });
    await file(url, open, AGENT_B_KEY);
    expect(await events.next()).toEqual({ id: open.id, status: "pending" });
    await events.close();
    // Nor is it in her history once decided; it is in bob's.
    expect((await text(alice, "/history")).body).not.toContain(bobsOnly.id);
    expect((await text(bob, "/history")).body).toContain(bobsOnly.id);
  });
});
