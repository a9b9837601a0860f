import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createAlert } from "../src/alerts/safety-alert.js";
import { SlackChannel, type SlackChannelConfig } from "../src/channels/slack-channel.js";
import { ErrorCode } from "../src/errors.js";
import {
  type ConformanceTransport,
  describeChannelConformance,
  type FakeSlack,
  startFakeSlack,
} from "../src/testing/index.js";
import { createManualClock } from "../src/util/clock.js";
import { WAIT } from "./support/wait-bound.js";

/** Every mrkdwn text of a Slack payload (the fallback `text` is parsed as mrkdwn too). */
function mrkdwnTexts(payload: Record<string, unknown>): string[] {
  const out = [String(payload.text)];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const o = node as Record<string, unknown>;
      if (o.type === "mrkdwn" && typeof o.text === "string") out.push(o.text);
      Object.values(o).forEach(walk);
    }
  };
  walk(payload.blocks);
  return out;
}

async function slackTransport(
  mode: "webhook" | "bot",
): Promise<ConformanceTransport<SlackChannelConfig>> {
  const slack = await startFakeSlack();
  return {
    config:
      mode === "webhook"
        ? {
            webhookUrl: slack.webhookUrl,
            channel: "#agent-alerts",
            username: "SafeguardsBot",
            iconEmoji: ":robot_face:",
          }
        : { botToken: slack.botToken, channel: "#agent-alerts", apiUrl: slack.apiUrl },
    received: () =>
      slack.messages.map((m) => ({ raw: m.request.body, mrkdwn: mrkdwnTexts(m.payload) })),
    fail: (m) => slack.always(m === "ok" ? undefined : m === "slow" ? "slow" : { status: 500 }),
    close: () => slack.close(),
  };
}

const invalidConfigs = [
  { config: { webhookUrl: "not a url" }, key: "webhookUrl" },
  { config: {}, key: "webhookUrl" },
  { config: { botToken: "xoxb-1" }, key: "channel" },
  { config: { webhookUrl: "http://127.0.0.1/x", timeoutSeconds: -1 }, key: "timeoutSeconds" },
  { config: { webhookUrl: "http://127.0.0.1/x", iconEmoji: "robot" }, key: "iconEmoji" },
  { config: { webhookUrl: "http://127.0.0.1/x", colour: "red" }, key: "colour" },
];

describeChannelConformance({
  name: "SlackChannel (incoming webhook)",
  create: () => new SlackChannel(),
  startTransport: () => slackTransport("webhook"),
  invalidConfigs,
});

describeChannelConformance({
  name: "SlackChannel (bot token)",
  create: () => new SlackChannel(),
  startTransport: () => slackTransport("bot"),
  invalidConfigs,
});

interface SlackPayload {
  channel?: string;
  username?: string;
  icon_emoji?: string;
  text: string;
  blocks: {
    type: string;
    text: { text: string };
    fields: { text: string }[];
    elements: Record<string, unknown>[];
  }[];
}

const alert = () =>
  createAlert({
    id: "alert_1",
    title: "Transfer over limit",
    description: "Wants to send *$5,000* to <!channel> & <http://evil|friends>",
    severity: "CRITICAL",
    agentId: "payments-agent",
    metadata: { amount: "5000.00", recipient: "ACME <x>", review_url: "https://inbox.example/a/1" },
  });

describe("SlackChannel", () => {
  let slack: FakeSlack;
  beforeEach(async () => {
    slack = await startFakeSlack();
  });
  afterEach(() => slack.close());

  it("posts a Block Kit message with escaped mrkdwn, fields, a review button and a fallback", async () => {
    const channel = new SlackChannel();
    channel.initialize({
      webhookUrl: slack.webhookUrl,
      channel: "#agent-alerts",
      username: "SafeguardsBot",
      iconEmoji: ":robot_face:",
    });
    expect(await channel.sendNotification(alert())).toBe(true);
    const [message] = slack.messages;
    const p = message?.payload as unknown as SlackPayload;
    expect(p.channel).toBe("#agent-alerts");
    expect(p.username).toBe("SafeguardsBot");
    expect(p.icon_emoji).toBe(":robot_face:");
    expect(p.text).toBe(
      "[CRITICAL] Transfer over limit: Wants to send *$5,000* to &lt;!channel&gt; &amp; &lt;http://evil|friends&gt;",
    );
    expect(p.blocks[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: "Transfer over limit", emoji: false },
    });
    expect(p.blocks[1]?.fields[0]?.text).toContain("CRITICAL");
    expect(p.blocks[1]?.fields[1]?.text).toContain("payments-agent");
    expect(p.blocks[2]?.text.text).toBe(
      "Wants to send *$5,000* to &lt;!channel&gt; &amp; &lt;http://evil|friends&gt;",
    );
    expect(p.blocks[3]?.fields.map((f) => f.text)).toEqual([
      "*amount*\n5000.00",
      "*recipient*\nACME &lt;x&gt;",
    ]);
    expect(p.blocks[4]?.elements[0]).toMatchObject({
      type: "button",
      url: "https://inbox.example/a/1",
    });
  });

  it("uses chat.postMessage with the bot token and checks ok in the body", async () => {
    const channel = new SlackChannel();
    channel.initialize({ botToken: slack.botToken, channel: "#ops", apiUrl: slack.apiUrl });
    expect(await channel.sendNotification(alert())).toBe(true);
    expect(slack.messages[0]?.mode).toBe("bot");
    expect(slack.messages[0]?.request.headers.authorization).toBe(`Bearer ${slack.botToken}`);
    expect(slack.messages[0]?.payload.channel).toBe("#ops");

    const wrong = new SlackChannel();
    wrong.initialize({ botToken: "xoxb-wrong", channel: "#ops", apiUrl: slack.apiUrl });
    expect(await wrong.sendNotification(alert())).toBe(false);
    expect(wrong.lastError?.message).toContain("invalid_auth");
  });

  it("treats any 2xx as success in webhook mode", async () => {
    const channel = new SlackChannel();
    channel.initialize({ webhookUrl: slack.webhookUrl });
    slack.script({ status: 204 });
    expect(await channel.sendNotification(alert())).toBe(true);
    expect(channel.lastError).toBeUndefined();
  });

  it("waits Retry-After on the clock after a 429, then retries in the same send", async () => {
    const clock = createManualClock(Date.now());
    const channel = new SlackChannel({ clock });
    channel.initialize({ webhookUrl: slack.webhookUrl, timeoutSeconds: 10 });
    slack.script({ status: 429, retryAfter: "2", body: "rate_limited" });
    const sent = channel.sendNotification(alert());
    await vi.waitFor(() => expect(clock.pendingTimers()).toBe(2), WAIT); // deadline + Retry-After wait
    clock.advance(1999);
    await new Promise((r) => setTimeout(r, 50));
    expect(slack.requests).toHaveLength(1);
    clock.advance(1);
    expect(await sent).toBe(true);
    expect(slack.requests).toHaveLength(2);
    expect(slack.messages).toHaveLength(1);
  });

  it("gives up at once when Retry-After exceeds the remaining budget", async () => {
    const channel = new SlackChannel({ clock: createManualClock(Date.now()) });
    channel.initialize({ webhookUrl: slack.webhookUrl, timeoutSeconds: 5 });
    slack.script({ status: 429, retryAfter: "30" });
    expect(await channel.sendNotification(alert())).toBe(false);
    expect(slack.requests).toHaveLength(1);
    expect(channel.lastError?.message).toMatch(/429.*Retry-After 30 s/);
  });

  it("reports a 500 with its status and body and does not retry", async () => {
    const channel = new SlackChannel();
    channel.initialize({ webhookUrl: slack.webhookUrl });
    slack.script({ status: 500, body: "internal_error" });
    expect(await channel.sendNotification(alert())).toBe(false);
    expect(slack.requests).toHaveLength(1);
    expect(channel.lastError?.code).toBe(ErrorCode.CHANNEL_DELIVERY_FAILED);
    expect(channel.lastError?.message).toContain("HTTP 500: internal_error");
  });

  it("times out a slow Slack on the injected clock", async () => {
    const clock = createManualClock(Date.now());
    const channel = new SlackChannel({ clock });
    channel.initialize({ botToken: slack.botToken, channel: "#ops", apiUrl: slack.apiUrl });
    slack.always("slow");
    const sent = channel.sendNotification(alert());
    await vi.waitFor(() => expect(slack.requests).toHaveLength(1), WAIT);
    clock.advance(10_000); // the documented default timeoutSeconds
    expect(await sent).toBe(false);
    expect(channel.lastError?.message).toContain("timed out after 10 s");
  });

  it("aborts a send in flight on shutdown", async () => {
    const channel = new SlackChannel();
    channel.initialize({ webhookUrl: slack.webhookUrl });
    slack.always("slow");
    const sent = channel.sendNotification(alert());
    await vi.waitFor(() => expect(slack.requests).toHaveLength(1), WAIT);
    channel.shutdown();
    expect(await sent).toBe(false);
  });

  it("reports an unreachable Slack as a failure", async () => {
    const channel = new SlackChannel();
    channel.initialize({ webhookUrl: "http://127.0.0.1:1/services/x" });
    expect(await channel.sendNotification(alert())).toBe(false);
    expect(channel.lastError?.message).toContain("ECONNREFUSED");
  });
});
