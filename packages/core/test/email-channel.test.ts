import {
  type SmtpSink,
  type SmtpSinkOptions,
  selfSignedCert,
  startSmtpSink,
} from "@safeguards/test-support/smtp";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAlert } from "../src/alerts/safety-alert.js";
import { EmailChannel, type EmailChannelConfig } from "../src/channels/email-channel.js";
import { type ConformanceTransport, describeChannelConformance } from "../src/testing/index.js";
import { createManualClock } from "../src/util/clock.js";
import { WAIT } from "./support/wait-bound.js";

const cert = selfSignedCert();
const SENDER = "safeguards@example.com";
const RECIPIENTS = ["admin@example.com", "security@example.com"];

function baseConfig(sink: SmtpSink): EmailChannelConfig {
  return {
    smtpServer: "127.0.0.1",
    smtpPort: sink.port,
    sender: SENDER,
    recipients: RECIPIENTS,
    useTls: false, // plain-text sink: an explicit opt-out of the default (TLS required)
  };
}

async function emailTransport(
  options: SmtpSinkOptions,
): Promise<ConformanceTransport<EmailChannelConfig>> {
  const sink = await startSmtpSink(options);
  const config = baseConfig(sink);
  if (options.tls) Object.assign(config, { useTls: true, tlsCa: options.tls.cert });
  if (options.auth)
    Object.assign(config, { username: options.auth.user, password: options.auth.pass });
  return {
    config,
    received: () =>
      sink.mails.map((m) => ({
        // the header block as sent, plus the decoded text body (quoted-printable wraps lines)
        raw: `${m.raw.split(/\r?\n\r?\n/)[0]}\n\n${m.parsed.text ?? ""}`,
        headerNames: [...m.parsed.headers.keys()],
        html: [m.parsed.html || ""],
      })),
    fail: (mode) => {
      sink.mode = mode;
    },
    close: () => sink.close(),
  };
}

describeChannelConformance({
  name: "EmailChannel (plain SMTP)",
  create: () => new EmailChannel(),
  startTransport: () => emailTransport({}),
  invalidConfigs: [
    { config: { smtpPort: 25, sender: SENDER, recipients: RECIPIENTS }, key: "smtpServer" },
    {
      config: { smtpServer: "h", smtpPort: 0, sender: SENDER, recipients: RECIPIENTS },
      key: "smtpPort",
    },
    {
      config: { smtpServer: "h", smtpPort: 25, sender: "nobody", recipients: RECIPIENTS },
      key: "sender",
    },
    {
      config: { smtpServer: "h", smtpPort: 25, sender: SENDER, recipients: [] },
      key: "recipients",
    },
    {
      config: {
        smtpServer: "h",
        smtpPort: 25,
        sender: SENDER,
        recipients: ["a@b.example"],
        password: "x",
      },
      key: "username",
    },
  ],
});

describeChannelConformance({
  name: "EmailChannel (STARTTLS + AUTH)",
  create: () => new EmailChannel(),
  startTransport: () => emailTransport({ tls: cert, auth: { user: "alice", pass: "s3cret" } }),
  invalidConfigs: [{ config: { smtpServer: "h", smtpPort: "587" }, key: "smtpPort" }],
});

const alert = (id: string, actionId?: string) =>
  createAlert({
    id,
    title: "Approve $5,000 transfer",
    description: "The agent wants to pay <b>ACME</b> & co.\nSecond line.",
    severity: "CRITICAL",
    agentId: "payments-agent",
    metadata: {
      amount: "5000.00",
      ...(actionId ? { action_id: actionId } : {}),
      review_url: "https://inbox.example/actions/1?a=1&b=2",
    },
    timestamp: new Date("2026-03-01T12:00:00Z"),
  });

describe("EmailChannel", () => {
  let sink: SmtpSink;
  afterEach(() => sink.close());

  it("sends subject, both bodies, recipients and alert headers", async () => {
    sink = await startSmtpSink();
    const channel = new EmailChannel();
    channel.initialize(baseConfig(sink));
    expect(await channel.sendNotification(alert("alert_1", "act_7"))).toBe(true);
    const [mail] = sink.mails;
    expect(mail?.envelope).toEqual({ from: SENDER, to: RECIPIENTS });
    const parsed = mail!.parsed;
    expect(parsed.subject).toBe("[CRITICAL] Approve $5,000 transfer");
    expect(parsed.from?.text).toBe(SENDER);
    expect(parsed.text).toContain("The agent wants to pay <b>ACME</b> & co.\nSecond line.");
    expect(parsed.text).toContain("amount: 5000.00");
    expect(parsed.text).toContain("Review: https://inbox.example/actions/1?a=1&b=2");
    expect(parsed.html).toContain("The agent wants to pay &lt;b&gt;ACME&lt;/b&gt; &amp; co.");
    expect(parsed.html).toContain('<a href="https://inbox.example/actions/1?a=1&amp;b=2">');
    expect(parsed.html).toContain('<th align="left">amount</th><td>5000.00</td>');
    expect(parsed.headers.get("x-safeguards-alert-id")).toBe("alert_1");
    expect(parsed.headers.get("x-safeguards-action-id")).toBe("act_7");
    expect(parsed.headers.get("priority")).toBe("high");
    expect(mail?.secure).toBe(false);
  });

  it("threads every mail about one action and keeps message ids unique", async () => {
    sink = await startSmtpSink();
    const channel = new EmailChannel();
    channel.initialize(baseConfig(sink));
    await channel.sendNotification(alert("alert_1", "act_7"));
    await channel.sendNotification(alert("alert_2", "act_7"));
    await channel.sendNotification(alert("alert_3"));
    const [a, b, c] = sink.mails.map((m) => m.parsed);
    expect(a?.messageId).toBe("<alert.alert_1.act_7@example.com>");
    expect(b?.messageId).toBe("<alert.alert_2.act_7@example.com>");
    expect(a?.inReplyTo).toBe("<action.act_7@example.com>");
    expect(b?.inReplyTo).toBe(a?.inReplyTo);
    expect(b?.references).toBe("<action.act_7@example.com>");
    expect(c?.messageId).toBe("<alert.alert_3@example.com>");
    expect(c?.inReplyTo).toBeUndefined();
  });

  it("upgrades with STARTTLS and authenticates", async () => {
    sink = await startSmtpSink({ tls: cert, auth: { user: "alice", pass: "s3cret" } });
    const channel = new EmailChannel();
    channel.initialize({
      ...baseConfig(sink),
      useTls: true,
      tlsCa: cert.cert,
      username: "alice",
      password: "s3cret",
    });
    expect(await channel.sendNotification(alert("alert_1"))).toBe(true);
    expect(sink.mails[0]?.secure).toBe(true);
    expect(sink.mails[0]?.user).toBe("alice");
  });

  it("uses STARTTLS when offered even without useTls", async () => {
    sink = await startSmtpSink({ tls: cert });
    const channel = new EmailChannel();
    channel.initialize({ ...baseConfig(sink), tlsCa: cert.cert });
    expect(await channel.sendNotification(alert("alert_1"))).toBe(true);
    expect(sink.mails[0]?.secure).toBe(true);
  });

  it("requires TLS by default: no useTls key, no STARTTLS offered, nothing sent", async () => {
    sink = await startSmtpSink();
    const channel = new EmailChannel();
    const { useTls: _, ...defaults } = baseConfig(sink);
    channel.initialize(defaults);
    expect(await channel.sendNotification(alert("alert_1"))).toBe(false);
    expect(sink.mails).toHaveLength(0);
    expect(channel.lastError?.message).toMatch(/STARTTLS/i);
  });

  it("refuses to send in clear text when useTls is set and the server has no STARTTLS", async () => {
    sink = await startSmtpSink();
    const channel = new EmailChannel();
    channel.initialize({ ...baseConfig(sink), useTls: true });
    expect(await channel.sendNotification(alert("alert_1"))).toBe(false);
    expect(sink.mails).toHaveLength(0);
    expect(channel.lastError?.message).toMatch(/STARTTLS/i);
  });

  it("fails on a wrong password and on an untrusted certificate", async () => {
    sink = await startSmtpSink({ tls: cert, auth: { user: "alice", pass: "s3cret" } });
    const wrong = new EmailChannel();
    wrong.initialize({
      ...baseConfig(sink),
      useTls: true,
      tlsCa: cert.cert,
      username: "alice",
      password: "nope",
    });
    expect(await wrong.sendNotification(alert("alert_1"))).toBe(false);
    expect(wrong.lastError?.message).toMatch(/Invalid username or password|EAUTH/);
    const untrusted = new EmailChannel();
    untrusted.initialize({
      ...baseConfig(sink),
      useTls: true,
      username: "alice",
      password: "s3cret",
    });
    expect(await untrusted.sendNotification(alert("alert_1"))).toBe(false);
    expect(sink.mails).toHaveLength(0);
  });

  it("fails, saying why, when the server refuses the recipients", async () => {
    sink = await startSmtpSink();
    sink.mode = "error";
    const channel = new EmailChannel();
    channel.initialize(baseConfig(sink));
    expect(await channel.sendNotification(alert("alert_1"))).toBe(false);
    expect(channel.lastError?.message).toContain("unavailable");
  });

  it("times out a server that stops answering, on the injected clock", async () => {
    sink = await startSmtpSink();
    sink.mode = "slow";
    const clock = createManualClock(Date.now());
    const channel = new EmailChannel({ clock });
    channel.initialize({ ...baseConfig(sink), timeoutSeconds: 5 });
    const sent = channel.sendNotification(alert("alert_1"));
    await vi.waitFor(() => expect(clock.pendingTimers()).toBe(1), WAIT);
    clock.advance(5000);
    expect(await sent).toBe(false);
    expect(channel.lastError?.message).toContain("timed out after 5 s");
  });

  it("keeps CR/LF in a title out of the headers and the envelope", async () => {
    sink = await startSmtpSink();
    const channel = new EmailChannel();
    channel.initialize(baseConfig(sink));
    const hostile = createAlert({
      title: "Hi\r\nBcc: victim@evil.example\r\nX-Injected: 1",
      description: "<script>alert(1)</script>",
      metadata: { action_id: "act\r\nX-Injected: 2" },
    });
    expect(await channel.sendNotification(hostile)).toBe(true);
    const [mail] = sink.mails;
    expect(mail?.envelope.to).toEqual(RECIPIENTS);
    expect(mail?.parsed.subject).toBe("[INFO] Hi Bcc: victim@evil.example X-Injected: 1");
    expect(mail?.parsed.headers.has("x-injected")).toBe(false);
    expect(mail?.parsed.headers.has("bcc")).toBe(false);
    expect(mail?.parsed.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(mail?.parsed.inReplyTo).toMatch(/^<action\.h[0-9a-f]{32}@example\.com>$/);
  });
});
