/**
 * Slack approvals of four-eyes actions against the local Slack double: the message says who
 * the action is assigned to and how many approvals it has; a button approval counts once
 * (the message keeps its buttons and shows "1 of 2 approvals (alice)"), the same reviewer
 * again and a reviewer who is not assigned are refused; an escalation step updates the
 * posted message (bot) or posts a new one (webhook) saying who it went to, after which the
 * reviewer it added can settle the action from Slack.
 */
import {
  eventually,
  type SlackCall,
  type SlackDouble,
  startSlackDouble,
} from "@safeguards/test-support";
import { afterEach, describe, expect, it } from "vitest";
import type { Inbox } from "../src/index.js";
import { AGENT_B_KEY, call, file, tempDbPath } from "./helpers.js";
import {
  DAVE,
  ESCALATE_AFTER_SECONDS,
  quorumAccounts,
  quorumBody,
} from "./reviewer-quorum-helpers.js";
import { click, SIGNING_SECRET, startSlackInbox } from "./slack-helpers.js";
import { ALICE_API_TOKEN, BOB_API_TOKEN } from "./ui-helpers.js";

let inbox: Inbox | undefined;
let slack: SlackDouble | undefined;
afterEach(async () => {
  await inbox?.close();
  await slack?.close();
  inbox = slack = undefined;
});

async function setup(mode: "bot" | "webhook" = "bot") {
  const started = await startSlackInbox(mode, { accounts: quorumAccounts() });
  inbox = started.inbox;
  slack = started.slack;
  return started;
}

const record = async (url: string, id: string) =>
  (await call(url, `/actions/${id}`, { token: ALICE_API_TOKEN })).body;
/** The text of every block of a message (fields included), for assertions. */
const blocksText = (body: { blocks: unknown[] }) => JSON.stringify(body.blocks);
const hasButtons = (body: { blocks: Array<{ type: string }> }) =>
  body.blocks.some((b) => b.type === "actions");
const callTo = (path: string) => slack!.calls.find((c) => c.path === path) as SlackCall;

describe("Slack approvals of four-eyes actions", () => {
  it("says who it is assigned to; a click counts once; the second reviewer settles it", async () => {
    const { url, root, clock } = await setup();
    const body = quorumBody(clock);
    await file(url, body, AGENT_B_KEY);
    await eventually(() => slack!.calls.length === 1);
    const posted = slack!.calls[0]!.body;
    expect(blocksText(posted)).toContain("*Assigned to*\\nalice, bob");
    expect(blocksText(posted)).toContain("*Approvals*\\n0 of 2 approvals");

    const approve = (user: string, n: string) =>
      click(root, clock, {
        user,
        actionId: "safeguards_approve",
        id: body.id,
        responseUrl: `${slack!.url}/response/${n}`,
      });
    expect((await approve("UALICE", "1")).status).toBe(200);
    await inbox!.notificationsIdle();
    const told = slack!.calls.filter((c) => c.path === "/response/1");
    // An ephemeral note to alice, and the message replaced: still with buttons, with the count.
    expect(told.find((c) => c.body.response_type === "ephemeral")?.body.text).toContain(
      "waiting for 1 more approval",
    );
    const replaced = told.find((c) => c.body.replace_original === true)!.body;
    expect(hasButtons(replaced)).toBe(true);
    expect(blocksText(replaced)).toContain("1 of 2 approvals (alice)");
    expect((await record(url, body.id)).status).toBe("pending");

    // alice again: already_approved, nothing changes.
    await approve("UALICE", "2");
    await inbox!.notificationsIdle();
    expect(callTo("/response/2").body.text).toContain("already approved");
    // dave is not assigned (yet): refused, nothing decided.
    await approve(DAVE.slackUserId, "3");
    await inbox!.notificationsIdle();
    expect(callTo("/response/3").body.text).toContain("Nothing was decided");
    expect((await record(url, body.id)).approvals).toHaveLength(1);

    await approve("UBOB", "4");
    await inbox!.notificationsIdle();
    const done = await record(url, body.id);
    expect(done.status).toBe("approved");
    expect(done.decision.approvals.map((a: { reviewer: string }) => a.reviewer)).toEqual([
      "alice",
      "bob",
    ]);
    const outcome = slack!.calls.find(
      (c) => c.path === "/response/4" && c.body.replace_original === true,
    )!.body;
    expect(hasButtons(outcome)).toBe(false);
    expect(blocksText(outcome)).toContain("APPROVED* by bob");
    expect(blocksText(outcome)).toContain("2 of 2 approvals (alice, bob)");
  });

  it("after an approval by click the message is kept: the outcome decided elsewhere updates it", async () => {
    const { url, root, clock } = await setup();
    const body = quorumBody(clock);
    await file(url, body, AGENT_B_KEY);
    await eventually(() => slack!.calls.length === 1);
    await inbox!.notificationsIdle();
    await click(root, clock, {
      user: "UALICE",
      actionId: "safeguards_approve",
      id: body.id,
      responseUrl: `${slack!.url}/response/alice`,
    });
    await eventually(() => slack!.calls.some((c) => c.path === "/response/alice"));
    await inbox!.notificationsIdle();
    const settled = await call(url, `/actions/${body.id}/decision`, {
      token: BOB_API_TOKEN,
      body: { type: "approve" },
    });
    expect(settled.body.status).toBe("approved");
    const updates = () => slack!.calls.filter((c) => c.path === "/api/chat.update");
    await eventually(() => updates().length === 1);
    await inbox!.notificationsIdle();
    expect(updates()).toHaveLength(1);
    expect(updates()[0]!.body.ts).toBe("1700000000.000100");
    expect(blocksText(updates()[0]!.body)).toContain("APPROVED* by bob");
    expect(hasButtons(updates()[0]!.body)).toBe(false);
  });

  it("escapes assignee names (the agent's words) in mrkdwn", async () => {
    const { url, clock } = await setup();
    const body = quorumBody(clock, { assignees: ["bob", "<!channel>"] });
    await file(url, body, AGENT_B_KEY);
    await eventually(() => slack!.calls.length === 1);
    const text = blocksText(slack!.calls[0]!.body);
    expect(text).toContain("bob, &lt;!channel&gt;");
    expect(text).not.toContain("<!channel>");
  });

  it("an escalation updates the posted message to say who it went to; they can settle it", async () => {
    const { url, root, clock } = await setup();
    const body = quorumBody(clock);
    await file(url, body, AGENT_B_KEY);
    await eventually(() => slack!.calls.length === 1);
    await call(url, `/actions/${body.id}/decision`, {
      token: ALICE_API_TOKEN,
      body: { type: "approve" },
    });
    // alice's approval, made in the API, updates the count in the posted message.
    await eventually(() => slack!.calls.some((c) => c.path === "/api/chat.update"));
    expect(blocksText(callTo("/api/chat.update").body)).toContain("1 of 2 approvals (alice)");
    clock.advance(ESCALATE_AFTER_SECONDS * 1000 + 1);
    await inbox!.sweepExpired();
    const updates = () => slack!.calls.filter((c) => c.path === "/api/chat.update");
    await eventually(() => updates().length === 2);
    const update = updates()[1]!.body;
    expect(update.ts).toBe("1700000000.000100");
    expect(hasButtons(update)).toBe(true);
    expect(blocksText(update)).toContain("Escalated to group:cfo at 2026-11-29T12:01:00");
    expect(blocksText(update)).toContain("*Assigned to*\\nalice, bob, group:cfo");
    expect(blocksText(update)).toContain("1 of 2 approvals (alice)");

    await click(root, clock, {
      user: DAVE.slackUserId,
      actionId: "safeguards_approve",
      id: body.id,
      responseUrl: `${slack!.url}/response/dave`,
    });
    await eventually(async () => (await record(url, body.id)).status === "approved");
    expect((await record(url, body.id)).decision.reviewer).toBe(DAVE.name);
  });

  it("an escalation whose message another instance holds for a moment updates it, posting none", async () => {
    // Two instances on one SQLite file and one Slack: A posted the message and refreshes it
    // for an approval (its chat.update held by "Slack") while B applies the escalation step.
    const store = tempDbPath();
    const a = await startSlackInbox("bot", { accounts: quorumAccounts() }, { store });
    inbox = a.inbox;
    slack = a.slack;
    const b = await startSlackInbox("bot", { accounts: quorumAccounts() }, { store }, a.slack);
    try {
      const body = quorumBody(a.clock);
      await file(a.url, body, AGENT_B_KEY);
      await eventually(() => slack!.calls.length === 1);
      await a.inbox.notificationsIdle(); // the message is stored
      let release!: () => void;
      slack.holdUpdates(new Promise<void>((r) => (release = r)));
      await call(a.url, `/actions/${body.id}/decision`, {
        token: ALICE_API_TOKEN,
        body: { type: "approve" },
      });
      const updates = () => slack!.calls.filter((c) => c.path === "/api/chat.update");
      await eventually(() => updates().length === 1); // A holds the message
      b.clock.advance(ESCALATE_AFTER_SECONDS * 1000 + 1);
      await b.inbox.sweepExpired();
      await new Promise((r) => setTimeout(r, 300)); // B's escalation finds the message held
      release();
      await eventually(() => updates().length === 2);
      await a.inbox.notificationsIdle();
      await b.inbox.notificationsIdle();
      expect(slack.calls.filter((c) => c.path === "/api/chat.postMessage")).toHaveLength(1);
      expect(updates()).toHaveLength(2);
      const last = updates()[1]!.body;
      expect(last.ts).toBe("1700000000.000100");
      expect(blocksText(last)).toContain("Escalated to group:cfo");
      expect(blocksText(last)).toContain("1 of 2 approvals (alice)");
    } finally {
      await b.inbox.close();
    }
  });

  it("an escalation whose message is not stored posts a new one after waiting for it", async () => {
    slack = await startSlackDouble();
    const started = await startSlackInbox(
      "bot",
      {
        accounts: quorumAccounts(),
        slack: {
          signingSecret: SIGNING_SECRET,
          botToken: "xoxb-test-token",
          channel: "C123",
          apiUrl: `${slack.url}/api`,
          timeoutMs: 300, // the wait is one Slack call's timeout (+1 s)
        },
      },
      {},
      slack,
    );
    inbox = started.inbox;
    const body = quorumBody(started.clock);
    await file(started.url, body, AGENT_B_KEY);
    await eventually(() => slack!.calls.length === 1);
    await inbox.notificationsIdle();
    expect(await inbox.store.slackMessages?.().take(body.id)).toBeDefined(); // now none stored
    started.clock.advance(ESCALATE_AFTER_SECONDS * 1000 + 1);
    await inbox.sweepExpired();
    const posts = () => slack!.calls.filter((c) => c.path === "/api/chat.postMessage");
    await eventually(() => posts().length === 2);
    expect(blocksText(posts()[1]!.body)).toContain("Escalated to group:cfo");
    expect(slack.calls.some((c) => c.path === "/api/chat.update")).toBe(false);
  });

  it("with an incoming webhook, an escalation posts a new message saying who it went to", async () => {
    const { url, clock } = await setup("webhook");
    const body = quorumBody(clock);
    await file(url, body, AGENT_B_KEY);
    await eventually(() => slack!.calls.length === 1);
    clock.advance(ESCALATE_AFTER_SECONDS * 1000 + 1);
    await inbox!.sweepExpired();
    await eventually(() => slack!.calls.length === 2);
    const second = slack!.calls[1]!;
    expect(second.path).toBe("/webhook");
    expect(blocksText(second.body)).toContain("Escalated to group:cfo");
  });
});
