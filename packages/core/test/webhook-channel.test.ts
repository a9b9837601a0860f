import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createAlert } from "../src/alerts/safety-alert.js";
import { WebhookChannel, type WebhookChannelConfig } from "../src/channels/webhook-channel.js";
import { verifyWebhook } from "../src/channels/webhook-payload.js";
import { ErrorCode, isSafeguardsError } from "../src/errors.js";
import {
  type ConformanceTransport,
  describeChannelConformance,
  startWebhookReceiver,
  type WebhookReceiver,
} from "../src/testing/index.js";
import { createManualClock } from "../src/util/clock.js";
import { WAIT } from "./support/wait-bound.js";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

async function webhookTransport(): Promise<ConformanceTransport<WebhookChannelConfig>> {
  const receiver = await startWebhookReceiver(SECRET);
  return {
    config: { webhookUrl: receiver.webhookUrl, signingSecret: SECRET, maxRetries: 0 },
    received: () => receiver.deliveries.map((d) => ({ raw: d.request.body })),
    fail: (m) => receiver.always(m === "ok" ? undefined : m === "slow" ? "slow" : { status: 500 }),
    close: () => receiver.close(),
  };
}

describeChannelConformance({
  name: "WebhookChannel",
  create: () => new WebhookChannel({ backoffMs: 10 }),
  startTransport: webhookTransport,
  invalidConfigs: [
    { config: { signingSecret: SECRET }, key: "webhookUrl" },
    { config: { webhookUrl: "ftp://x", signingSecret: SECRET }, key: "webhookUrl" },
    {
      config: { webhookUrl: "http://127.0.0.1/h", signingSecret: "hunter2" },
      key: "signingSecret",
    },
    {
      config: { webhookUrl: "http://127.0.0.1/h", signingSecret: SECRET, maxRetries: -1 },
      key: "maxRetries",
    },
    {
      config: {
        webhookUrl: "http://127.0.0.1/h",
        signingSecret: SECRET,
        headers: { "webhook-signature": "forged" },
      },
      key: "headers",
    },
  ],
});

const alert = () =>
  createAlert({
    id: "alert_42",
    title: "Delete customer",
    description: "Agent wants to delete <customer> 7",
    severity: "ERROR",
    agentId: "crm-agent",
    metadata: { action_id: "act_9", customerId: 7 },
    timestamp: new Date("2026-03-01T12:00:00Z"),
  });

describe("WebhookChannel", () => {
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    receiver = await startWebhookReceiver(SECRET);
  });
  afterEach(() => receiver.close());

  it("posts a signed snake_case alert body that verifyWebhook accepts", async () => {
    const channel = new WebhookChannel();
    channel.initialize({
      webhookUrl: receiver.webhookUrl,
      signingSecret: SECRET,
      headers: { authorization: "Bearer receiver-key" },
    });
    expect(await channel.sendNotification(alert())).toBe(true);
    expect(receiver.refused).toEqual([]);
    const [delivery] = receiver.deliveries;
    expect(delivery?.id).toBe("alert_42");
    expect(delivery?.request.headers.authorization).toBe("Bearer receiver-key");
    expect(delivery?.payload).toEqual({
      type: "alert",
      data: {
        id: "alert_42",
        title: "Delete customer",
        description: "Agent wants to delete <customer> 7",
        severity: "ERROR",
        timestamp: "2026-03-01T12:00:00.000Z",
        agent_id: "crm-agent",
        metadata: { action_id: "act_9", customerId: 7 },
      },
    });
  });

  it("verifyWebhook refuses a tampered body, a wrong secret and missing headers", async () => {
    const channel = new WebhookChannel();
    channel.initialize({ webhookUrl: receiver.webhookUrl, signingSecret: SECRET });
    await channel.sendNotification(alert());
    const { headers, body } = receiver.requests[0]!;
    expect(verifyWebhook(SECRET, headers, body).data.id).toBe("alert_42");
    const expectCode = (fn: () => unknown, code: string) => {
      let error: unknown;
      try {
        fn();
      } catch (e) {
        error = e;
      }
      expect(isSafeguardsError(error) && error.code).toBe(code);
    };
    expectCode(
      () => verifyWebhook(SECRET, headers, body.replace("7", "8")),
      ErrorCode.UNAUTHORIZED,
    );
    expectCode(
      () => verifyWebhook("whsec_c2VjcmV0LXRoYXQtaXMtd3Jvbmc=", headers, body),
      ErrorCode.UNAUTHORIZED,
    );
    expectCode(() => verifyWebhook(SECRET, {}, body), ErrorCode.UNAUTHORIZED);
    const fetchHeaders = new Headers(headers as Record<string, string>);
    expect(verifyWebhook(SECRET, fetchHeaders, Buffer.from(body)).type).toBe("alert");
  });

  it("retries 5xx and dropped connections with the same webhook-id, then succeeds", async () => {
    const channel = new WebhookChannel({ backoffMs: 5 });
    channel.initialize({ webhookUrl: receiver.webhookUrl, signingSecret: SECRET, maxRetries: 3 });
    receiver.script({ status: 503 }, "drop", { status: 500 });
    expect(await channel.sendNotification(alert())).toBe(true);
    expect(receiver.requests).toHaveLength(4);
    expect(new Set(receiver.requests.map((r) => r.headers["webhook-id"]))).toEqual(
      new Set(["alert_42"]),
    );
    expect(receiver.deliveries).toHaveLength(1);
  });

  it("waits the backoff on the injected clock between attempts", async () => {
    const clock = createManualClock(Date.now());
    const channel = new WebhookChannel({ clock, backoffMs: 1000 });
    channel.initialize({ webhookUrl: receiver.webhookUrl, signingSecret: SECRET, maxRetries: 1 });
    receiver.script({ status: 502 });
    const sent = channel.sendNotification(alert());
    await vi.waitFor(() => expect(clock.pendingTimers()).toBe(2), WAIT); // deadline + backoff
    await new Promise((r) => setTimeout(r, 30));
    expect(receiver.requests).toHaveLength(1);
    clock.advance(1250); // backoff is 1000 ms +/- 25 %
    expect(await sent).toBe(true);
    expect(receiver.requests).toHaveLength(2);
  });

  it("honours Retry-After on a 429 before retrying", async () => {
    const clock = createManualClock(Date.now());
    const channel = new WebhookChannel({ clock, backoffMs: 10 });
    channel.initialize({ webhookUrl: receiver.webhookUrl, signingSecret: SECRET, maxRetries: 1 });
    receiver.script({ status: 429, retryAfter: "3" });
    const sent = channel.sendNotification(alert());
    await vi.waitFor(() => expect(clock.pendingTimers()).toBe(2), WAIT);
    clock.advance(2990);
    await new Promise((r) => setTimeout(r, 30));
    expect(receiver.requests).toHaveLength(1);
    clock.advance(10);
    expect(await sent).toBe(true);
    expect(receiver.requests).toHaveLength(2);
  });

  it("signs with the current time, so a replayed old request is refused", async () => {
    const clock = createManualClock(Date.now() - 10 * 60_000);
    const channel = new WebhookChannel({ clock });
    channel.initialize({ webhookUrl: receiver.webhookUrl, signingSecret: SECRET, maxRetries: 0 });
    expect(await channel.sendNotification(alert())).toBe(false);
    expect(receiver.refused[0]?.reason).toContain("too old");
  });

  it("gives up after maxRetries and says why", async () => {
    const channel = new WebhookChannel({ backoffMs: 1 });
    channel.initialize({ webhookUrl: receiver.webhookUrl, signingSecret: SECRET, maxRetries: 2 });
    receiver.always({ status: 500, body: "db down" });
    expect(await channel.sendNotification(alert())).toBe(false);
    expect(receiver.requests).toHaveLength(3);
    expect(channel.lastError?.message).toContain("HTTP 500: db down");
  });

  it("does not retry a 4xx refusal", async () => {
    const channel = new WebhookChannel({ backoffMs: 1 });
    channel.initialize({
      webhookUrl: receiver.webhookUrl,
      signingSecret: "whsec_c2VjcmV0LXRoYXQtaXMtd3Jvbmc=",
    });
    expect(await channel.sendNotification(alert())).toBe(false);
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.refused).toHaveLength(1);
    expect(channel.lastError?.message).toContain("HTTP 401");
  });

  it("bounds all attempts together by timeoutSeconds on the injected clock", async () => {
    const clock = createManualClock(Date.now());
    const channel = new WebhookChannel({ clock });
    channel.initialize({ webhookUrl: receiver.webhookUrl, signingSecret: SECRET, maxRetries: 5 });
    receiver.always("slow");
    const sent = channel.sendNotification(alert());
    await vi.waitFor(() => expect(receiver.requests).toHaveLength(1), WAIT);
    clock.advance(10_000);
    expect(await sent).toBe(false);
    expect(receiver.requests).toHaveLength(1);
    expect(channel.lastError?.message).toContain("timed out");
  });
});
