/**
 * Slack approvals against a local server playing Slack (chat.postMessage, chat.update,
 * response_url, incoming webhook), with interaction payloads signed as Slack signs them.
 */
import { eventually, type SlackDouble } from "@safeguards/test-support";
import { afterEach, describe, expect, it } from "vitest";
import type { Inbox } from "../src/index.js";
import { slackSignature, verifySlackSignature } from "../src/slack/slack-signature.js";
import { SLACK_MESSAGE_KEEP_MS } from "../src/slack/slack-updates.js";
import { AGENT_B, AGENT_B_KEY, call, file, requestBody, tempDbPath } from "./helpers.js";
import { click, SIGNING_SECRET, startSlackInbox } from "./slack-helpers.js";
import { ALICE_API_TOKEN } from "./ui-helpers.js";

describe("Slack request signature (Slack's documented example)", () => {
  const body =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
  const signature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
  const input = { signingSecret: SIGNING_SECRET, timestamp: "1531420618", signature, body };

  it("verifies the documented request at its timestamp", () => {
    expect(slackSignature(SIGNING_SECRET, "1531420618", body)).toBe(signature);
    expect(verifySlackSignature({ ...input, nowSeconds: 1531420618 })).toBe(true);
    expect(verifySlackSignature({ ...input, nowSeconds: 1531420618 + 300 })).toBe(true);
  });

  it("refuses it outside the 5-minute window, with another body, secret or signature", () => {
    expect(verifySlackSignature({ ...input, nowSeconds: 1531420618 + 301 })).toBe(false);
    expect(verifySlackSignature({ ...input, nowSeconds: 1531420618 - 301 })).toBe(false);
    expect(verifySlackSignature({ ...input, body: `${body}x`, nowSeconds: 1531420618 })).toBe(
      false,
    );
    expect(verifySlackSignature({ ...input, signingSecret: "other", nowSeconds: 1531420618 })).toBe(
      false,
    );
    expect(
      verifySlackSignature({
        ...input,
        signature: signature.toUpperCase(),
        nowSeconds: 1531420618,
      }),
    ).toBe(false);
    expect(verifySlackSignature({ ...input, signature: undefined, nowSeconds: 1531420618 })).toBe(
      false,
    );
  });
});

let inbox: Inbox | undefined;
let slack: SlackDouble | undefined;
afterEach(async () => {
  await inbox?.close();
  await slack?.close();
  inbox = slack = undefined;
});

async function setup(mode: "bot" | "webhook" = "bot", overrides: { store?: string } = {}) {
  const started = await startSlackInbox(mode, {}, overrides, slack);
  inbox = started.inbox;
  slack = started.slack;
  return started;
}

const get = async (url: string, id: string) =>
  (await call(url, `/actions/${id}`, { token: ALICE_API_TOKEN })).body;

describe("Slack approvals", () => {
  it("posts a Block Kit message with buttons and a review link; agent text escaped", async () => {
    const { url, slack, clock } = await setup();
    const messages = inbox!.store.slackMessages!();
    await messages.save("act_stale", { channel: "C123", ts: "1.0", expiresAtMs: clock.now() - 1 });
    const body = requestBody(clock, { title: "Pay <!channel> <http://evil|click>" });
    await file(url, body);
    await eventually(() => slack.calls.length === 1);
    await inbox!.notificationsIdle();
    // Kept in the store until a day after the action's deadline; posting purged the stale one.
    expect(await messages.take("act_stale")).toBeUndefined();
    expect(await messages.take(body.id)).toEqual({
      channel: "C123",
      ts: "1700000000.000100",
      expiresAtMs: Date.parse(body.expires_at as string) + SLACK_MESSAGE_KEEP_MS,
    });
    const [post] = slack.calls;
    expect(post!.path).toBe("/api/chat.postMessage");
    expect(post!.auth).toBe("Bearer xoxb-test-token");
    expect(post!.body.channel).toBe("C123");
    // Mentions and links stay text: escaped in mrkdwn and the notification text; the header
    // is plain_text, which Slack never parses.
    expect(post!.body.text).toBe("Approval needed: Pay &lt;!channel&gt; &lt;http://evil|click&gt;");
    const mrkdwn = JSON.stringify(
      post!.body.blocks.filter((b: { type: string }) => b.type !== "header"),
    );
    expect(mrkdwn).not.toContain("<!channel>");
    expect(post!.body.blocks[0].text).toEqual({ type: "plain_text", text: body.title });
    const actions = post!.body.blocks.find((b: { type: string }) => b.type === "actions");
    expect(actions.elements.map((e: { action_id: string }) => e.action_id)).toEqual([
      "safeguards_approve",
      "safeguards_reject",
      "safeguards_review",
    ]);
    expect(actions.elements[0].value).toBe(body.id);
    expect(actions.elements[2].url).toMatch(new RegExp(`/review/${body.id}$`));
  });

  it("approves from a button: 200 at once, decided as the mapped reviewer, buttons replaced", async () => {
    const { url, root, clock, slack } = await setup();
    const body = requestBody(clock);
    await file(url, body);
    await eventually(() => slack.calls.length === 1);
    let release!: () => void;
    slack.holdResponses(new Promise<void>((r) => (release = r)));
    const res = await click(root, clock, {
      user: "UALICE",
      actionId: "safeguards_approve",
      id: body.id,
      responseUrl: `${slack.url}/response/1`,
    });
    // Acknowledged while the response_url call is still held open by "Slack".
    expect(res.status).toBe(200);
    await eventually(() => slack.calls.some((c) => c.path === "/response/1"));
    release();
    const record = await get(url, body.id);
    expect(record.status).toBe("approved");
    expect(record.decision.reviewer).toBe("alice");
    expect(record.decision.comments).toBe("Approved in Slack");
    const response = slack.calls.find((c) => c.path === "/response/1")!;
    expect(response.body.replace_original).toBe(true);
    expect(response.body.blocks.some((b: { type: string }) => b.type === "actions")).toBe(false);
    expect(JSON.stringify(response.body.blocks)).toContain("APPROVED* by alice");
    await inbox!.notificationsIdle(); // what the decision queued is sent: no chat.update
    expect(slack.calls.some((c) => c.path === "/api/chat.update")).toBe(false);
  });

  it("refuses unknown Slack users and reviewers without the right; nothing is decided", async () => {
    const { url, root, clock, slack } = await setup();
    const body = requestBody(clock);
    await file(url, body);
    const stranger = await click(root, clock, {
      user: "UNOBODY",
      actionId: "safeguards_approve",
      id: body.id,
      responseUrl: `${slack.url}/response/stranger`,
    });
    expect(stranger.status).toBe(200);
    await eventually(() => slack.calls.some((c) => c.path === "/response/stranger"));
    const told = slack.calls.find((c) => c.path === "/response/stranger")!.body;
    expect(told.text).toContain("not a reviewer");
    expect(told.replace_original).toBe(false);
    await click(root, clock, {
      user: "UBOB",
      actionId: "safeguards_reject",
      id: body.id,
      responseUrl: `${slack.url}/response/bob`,
    });
    await click(root, clock, {
      user: "UBOB",
      actionId: "safeguards_reject",
      id: "act_missing",
      responseUrl: `${slack.url}/response/missing`,
    });
    await eventually(() => slack.calls.some((c) => c.path === "/response/missing"));
    // An action bob may not see is answered exactly like a missing one.
    const unseen = slack.calls.find((c) => c.path === "/response/bob")!.body.text;
    const missing = slack.calls.find((c) => c.path === "/response/missing")!.body.text;
    expect(unseen).toContain("No action");
    expect(unseen.replace(body.id, "ID")).toBe(missing.replace("act_missing", "ID"));
    expect((await get(url, body.id)).status).toBe("pending");
  });

  it("refuses bad signatures and stale timestamps before parsing", async () => {
    const { url, root, clock, slack } = await setup();
    const body = requestBody(clock);
    await file(url, body);
    const opts = {
      user: "UALICE",
      actionId: "safeguards_approve",
      id: body.id,
      responseUrl: `${slack.url}/response/x`,
    };
    expect((await click(root, clock, opts, { signature: "v0=deadbeef" })).status).toBe(401);
    const stale = Math.floor(clock.now() / 1000) - 301;
    expect((await click(root, clock, opts, { timestamp: stale })).status).toBe(401);
    const garbage = await fetch(`${root}/slack/interactions`, {
      method: "POST",
      headers: { "x-slack-request-timestamp": String(Math.floor(clock.now() / 1000)) },
      body: "payload=%7Bnot-json",
    });
    expect(garbage.status).toBe(401);
    await inbox!.notificationsIdle(); // nothing was queued: no response_url call comes
    expect((await get(url, body.id)).status).toBe("pending");
    expect(slack.calls.some((c) => c.path.startsWith("/response/"))).toBe(false);
  });

  it("updates the message with chat.update when the decision is made elsewhere", async () => {
    const { url, clock, slack } = await setup();
    const body = requestBody(clock, { agent_id: AGENT_B });
    await file(url, body, AGENT_B_KEY);
    await eventually(() => slack.calls.length === 1);
    await call(url, `/actions/${body.id}/decision`, {
      token: ALICE_API_TOKEN,
      body: { type: "reject", comments: "decided in the web inbox" },
    });
    await eventually(() => slack.calls.some((c) => c.path === "/api/chat.update"));
    const update = slack.calls.find((c) => c.path === "/api/chat.update")!.body;
    expect(update.channel).toBe("C123");
    expect(update.ts).toBe("1700000000.000100");
    expect(JSON.stringify(update.blocks)).toContain("REJECTED* by alice");
    expect(JSON.stringify(update.blocks)).toContain("decided in the web inbox");
  });

  it("updates the message when the action expires", async () => {
    const { url, clock, slack } = await setup();
    await file(url, requestBody(clock, {}, 30_000));
    await eventually(() => slack.calls.length === 1);
    clock.advance(31_000);
    await inbox!.sweepExpired();
    await eventually(() => slack.calls.some((c) => c.path === "/api/chat.update"));
    const update = slack.calls.find((c) => c.path === "/api/chat.update")!.body;
    expect(JSON.stringify(update.blocks)).toContain("*TIMED OUT*");
    expect(update.blocks.some((b: { type: string }) => b.type === "actions")).toBe(false);
  });

  it("a click that decides nothing gives the message back: a later decision updates it once", async () => {
    const { url, root, clock, slack } = await setup();
    const body = requestBody(clock);
    await file(url, body);
    await eventually(() => slack.calls.length === 1);
    // bob may not see this agent's actions: nothing is decided, the message stays claimable.
    await click(root, clock, {
      user: "UBOB",
      actionId: "safeguards_reject",
      id: body.id,
      responseUrl: `${slack.url}/response/bob`,
    });
    await eventually(() => slack.calls.some((c) => c.path === "/response/bob"));
    await inbox!.notificationsIdle();
    await call(url, `/actions/${body.id}/decision`, {
      token: ALICE_API_TOKEN,
      body: { type: "approve" },
    });
    await eventually(() => slack.calls.some((c) => c.path === "/api/chat.update"));
    await inbox!.notificationsIdle();
    const updates = slack.calls.filter((c) => c.path === "/api/chat.update");
    expect(updates.map((u) => u.body.ts)).toEqual(["1700000000.000100"]);
    expect(JSON.stringify(updates[0]!.body.blocks)).toContain("APPROVED* by alice");
  });

  it("updates a message whose action was decided while it was being posted, once", async () => {
    const { url, clock, slack } = await setup();
    let release!: () => void;
    slack.holdPosts(new Promise<void>((r) => (release = r)));
    const body = requestBody(clock);
    await file(url, body);
    await eventually(() => slack.calls.length === 1); // posted, its answer held
    await call(url, `/actions/${body.id}/decision`, {
      token: ALICE_API_TOKEN,
      body: { type: "reject", comments: "faster than Slack" },
    });
    release();
    await eventually(() => slack.calls.some((c) => c.path === "/api/chat.update"));
    await inbox!.notificationsIdle();
    const updates = slack.calls.filter((c) => c.path === "/api/chat.update");
    expect(updates).toHaveLength(1);
    expect(JSON.stringify(updates[0]!.body.blocks)).toContain("faster than Slack");
  });

  it("a click before the posted message is saved replaces it through response_url only", async () => {
    const { url, root, clock, slack } = await setup();
    let release!: () => void;
    slack.holdPosts(new Promise<void>((r) => (release = r)));
    const body = requestBody(clock);
    await file(url, body);
    await eventually(() => slack.calls.length === 1); // in Slack already, its answer held
    await click(root, clock, {
      user: "UALICE",
      actionId: "safeguards_approve",
      id: body.id,
      responseUrl: `${slack.url}/response/early`,
    });
    await new Promise((r) => setTimeout(r, 300)); // the click finds no message stored yet
    release();
    await eventually(async () => (await get(url, body.id)).status === "approved");
    await eventually(() =>
      slack.calls.some((c) => c.path === "/response/early" && c.body.replace_original),
    );
    await inbox!.notificationsIdle();
    const replaced = slack.calls.find((c) => c.path === "/response/early")!.body;
    expect(JSON.stringify(replaced.blocks)).toContain("APPROVED* by alice");
    // The outcome is shown once: no chat.update after the response_url replaced it.
    expect(slack.calls.filter((c) => c.path === "/api/chat.update")).toHaveLength(0);
    expect(await inbox!.store.slackMessages?.().take(body.id)).toBeUndefined();
  });

  it("keeps the message in the SQLite file: a decision after a restart updates it", async () => {
    const store = tempDbPath();
    const first = await setup("bot", { store });
    const body = requestBody(first.clock);
    await file(first.url, body);
    await eventually(() => first.slack.calls.length === 1);
    await inbox!.notificationsIdle();
    await inbox!.close();
    const second = await setup("bot", { store });
    await call(second.url, `/actions/${body.id}/decision`, {
      token: ALICE_API_TOKEN,
      body: { type: "reject", comments: "after the restart" },
    });
    await eventually(() => second.slack.calls.some((c) => c.path === "/api/chat.update"));
    await inbox!.notificationsIdle();
    const updates = second.slack.calls.filter((c) => c.path === "/api/chat.update");
    expect(updates).toHaveLength(1);
    expect(updates[0]!.body.ts).toBe("1700000000.000100");
    expect(JSON.stringify(updates[0]!.body.blocks)).toContain("after the restart");
  });

  it("posts to an incoming webhook when configured instead of a bot token", async () => {
    const { url, clock, slack } = await setup("webhook");
    await file(url, requestBody(clock));
    await eventually(() => slack.calls.length === 1);
    expect(slack.calls[0]!.path).toBe("/webhook");
    expect(slack.calls[0]!.body.blocks.length).toBeGreaterThan(2);
  });
});
