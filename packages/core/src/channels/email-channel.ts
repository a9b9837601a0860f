/**
 * @module email-channel
 * `EmailChannel`: sends alerts over SMTP with nodemailer, configured as in the guide
 * (camelCase keys). Implicit TLS on port 465 with `useTls`, STARTTLS otherwise (required
 * with `useTls`, opportunistic without); connection, greeting and socket timeouts and an
 * overall bound of `timeoutSeconds` per send.
 */
import nodemailer from "nodemailer";
import { z } from "zod";
import type { SafetyAlert } from "../alerts/safety-alert.js";
import { ChannelDeliveryError, ErrorCode, SafeguardsError } from "../errors.js";
import { type Clock, systemClock } from "../util/clock.js";
import { parseConfig, refuseSnakeCaseKeys } from "../util/config.js";
import { buildAlertEmail } from "./email-message.js";
import { describeError } from "./http-post.js";
import type { NotificationChannel } from "./notification-channel.js";
import { DEFAULT_CHANNEL_TIMEOUT_SECONDS, raceAbort, startSendBudget } from "./send-budget.js";

const address = z.email({ error: "must be an email address" });

const EmailConfigSchema = z.strictObject({
  smtpServer: z
    .string()
    .min(1)
    .regex(/^[^\s/]+$/, "must be a host name or IP address"),
  smtpPort: z.number().int().min(1).max(65535),
  username: z.string().min(1).optional(),
  password: z.string().optional(),
  sender: address,
  recipients: z.array(address).min(1, "needs at least one address"),
  /** Require TLS: implicit TLS on port 465, mandatory STARTTLS on other ports. */
  useTls: z.boolean().default(true),
  /** Upper bound of one send (connect, greeting, each socket wait, and in total). @default 10 */
  timeoutSeconds: z.number().positive().max(600).default(DEFAULT_CHANNEL_TIMEOUT_SECONDS),
  /** Extra trusted CA certificate(s), PEM; for servers with a private CA. */
  tlsCa: z.string().min(1).optional(),
});

/** Configuration of {@link EmailChannel} (the guide's keys, camelCase). */
export type EmailChannelConfig = z.input<typeof EmailConfigSchema>;

/** Options of the {@link EmailChannel} constructor. */
export interface EmailChannelOptions {
  /** Time source for the overall send bound. @default systemClock */
  clock?: Clock;
}

type Transporter = ReturnType<typeof nodemailer.createTransport>;

/** Emails alerts. `sendNotification` never throws; see {@link EmailChannel.lastError}. */
export class EmailChannel implements NotificationChannel<EmailChannelConfig> {
  private config: z.output<typeof EmailConfigSchema> | undefined;
  private transporter: Transporter | undefined;
  private shutdownController = new AbortController();
  private readonly clock: Clock;
  private error: SafeguardsError | undefined;

  constructor(options: EmailChannelOptions = {}) {
    refuseSnakeCaseKeys("EmailChannel", options);
    this.clock = options.clock ?? systemClock;
  }

  /** Why the last failed send failed (cleared by a successful send). */
  get lastError(): SafeguardsError | undefined {
    return this.error;
  }

  /** Validates the config and prepares the SMTP transport (connects only when sending). */
  initialize(config: EmailChannelConfig): void {
    const c = parseConfig("EmailChannel", EmailConfigSchema, config);
    if (c.password !== undefined && c.username === undefined) {
      throw new SafeguardsError(
        ErrorCode.INVALID_CONFIG,
        'EmailChannel: invalid config key "username": required when password is set',
        { details: { key: "username" } },
      );
    }
    this.transporter?.close();
    const timeoutMs = c.timeoutSeconds * 1000;
    const implicitTls = c.useTls && c.smtpPort === 465;
    this.transporter = nodemailer.createTransport({
      host: c.smtpServer,
      port: c.smtpPort,
      secure: implicitTls,
      requireTLS: c.useTls && !implicitTls,
      auth: c.username ? { user: c.username, pass: c.password ?? "" } : undefined,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      dnsTimeout: timeoutMs,
      tls: c.tlsCa ? { ca: c.tlsCa } : undefined,
    });
    this.config = c;
    this.shutdownController = new AbortController();
  }

  /** Sends `alert` to every recipient; `true` once the server accepted it (never throws). */
  async sendNotification(alert: SafetyAlert): Promise<boolean> {
    const config = this.config;
    const transporter = this.transporter;
    if (!config || !transporter) return false;
    const budget = startSendBudget(
      this.clock,
      config.timeoutSeconds * 1000,
      this.shutdownController.signal,
    );
    try {
      const mail = buildAlertEmail(alert, config.sender);
      const sending = transporter.sendMail({
        from: config.sender,
        to: config.recipients,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        inReplyTo: mail.inReplyTo,
        references: mail.references,
        headers: mail.headers,
        priority: alert.severity === "CRITICAL" ? "high" : "normal",
        date: alert.timestamp,
      });
      sending.catch(() => {}); // a late failure after the budget ran out is not unhandled
      const info = await raceAbort(sending, budget.signal);
      if (info.rejected.length > 0) {
        return this.fail(`SMTP server rejected ${info.rejected.join(", ")}`);
      }
      this.error = undefined;
      return true;
    } catch (error) {
      const reason = budget.signal.aborted ? budget.signal.reason : error;
      return this.fail(`EmailChannel: sending failed: ${describeError(reason)}`, reason);
    } finally {
      budget.dispose();
    }
  }

  /** Closes the transport and forgets the config; later sends return `false`. */
  shutdown(): void {
    this.config = undefined;
    this.transporter?.close();
    this.transporter = undefined;
    this.shutdownController.abort(
      new SafeguardsError(ErrorCode.SHUT_DOWN, "EmailChannel was shut down"),
    );
  }

  private fail(message: string, cause?: unknown): false {
    this.error = new ChannelDeliveryError(message, { cause });
    return false;
  }
}
