/**
 * @module webhook-channel
 * `WebhookChannel`: POSTs each alert as JSON to any receiver (PagerDuty-style bridges,
 * internal tools), signed with Standard Webhooks, retried with backoff within the
 * send's time budget.
 */
import { Webhook } from "standardwebhooks";
import { z } from "zod";
import type { SafetyAlert } from "../alerts/safety-alert.js";
import { ChannelDeliveryError, ErrorCode, SafeguardsError } from "../errors.js";
import { type Clock, systemClock } from "../util/clock.js";
import { parseConfig, refuseSnakeCaseKeys } from "../util/config.js";
import { describeError, type HttpReply, postJson, retryAfterMs } from "./http-post.js";
import type { NotificationChannel } from "./notification-channel.js";
import { DEFAULT_CHANNEL_TIMEOUT_SECONDS, startSendBudget } from "./send-budget.js";
import { toWebhookPayload } from "./webhook-payload.js";

const RESERVED_HEADERS = /^(webhook-(id|timestamp|signature)|content-type|content-length|host)$/i;

const WebhookConfigSchema = z.strictObject({
  webhookUrl: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
  /** A Standard Webhooks secret, `whsec_<base64>`. */
  signingSecret: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, "must be a Standard Webhooks secret (whsec_<base64>)"),
  /** Upper bound of one send, retries included. @default 10 */
  timeoutSeconds: z.number().positive().max(600).default(DEFAULT_CHANNEL_TIMEOUT_SECONDS),
  /** Retries after the first attempt (network errors, 408, 429, 5xx). @default 3 */
  maxRetries: z.number().int().min(0).max(10).default(3),
  /** Extra request headers (e.g. an API key of the receiver); not the signature ones. */
  headers: z
    .record(z.string().regex(/^[!#$%&'*+.^`|~\w-]+$/, "is not a header name"), z.string())
    .refine((h) => !Object.keys(h).some((k) => RESERVED_HEADERS.test(k)), {
      message: "must not set webhook-*, content-type, content-length or host",
    })
    .default({}),
});

/** Configuration of {@link WebhookChannel}. */
export type WebhookChannelConfig = z.input<typeof WebhookConfigSchema>;

/** Options of the {@link WebhookChannel} constructor. */
export interface WebhookChannelOptions {
  /** Time source for the budget, backoff and signature timestamps. @default systemClock */
  clock?: Clock;
  /** First backoff delay in ms; doubles per retry (with jitter). @default 250 */
  backoffMs?: number;
}

/** Posts signed JSON alerts. `sendNotification` never throws; see {@link WebhookChannel.lastError}. */
export class WebhookChannel implements NotificationChannel<WebhookChannelConfig> {
  private config: z.output<typeof WebhookConfigSchema> | undefined;
  private signer: Webhook | undefined;
  private shutdownController = new AbortController();
  private readonly clock: Clock;
  private readonly backoffMs: number;
  private error: SafeguardsError | undefined;

  constructor(options: WebhookChannelOptions = {}) {
    refuseSnakeCaseKeys("WebhookChannel", options);
    this.clock = options.clock ?? systemClock;
    this.backoffMs = options.backoffMs ?? 250;
  }

  /** Why the last failed send failed (cleared by a successful send). */
  get lastError(): SafeguardsError | undefined {
    return this.error;
  }

  /** Validates the config; throws {@link InvalidConfigError} naming a bad key. */
  initialize(config: WebhookChannelConfig): void {
    const parsed = parseConfig("WebhookChannel", WebhookConfigSchema, config);
    try {
      this.signer = new Webhook(parsed.signingSecret);
    } catch (cause) {
      throw new SafeguardsError(
        ErrorCode.INVALID_CONFIG,
        'WebhookChannel: invalid config key "signingSecret": not a valid whsec_ secret',
        { cause, details: { key: "signingSecret" } },
      );
    }
    this.config = parsed;
    this.shutdownController = new AbortController();
  }

  /** Posts `alert`; `true` once the receiver answered 2xx, `false` otherwise (never throws). */
  async sendNotification(alert: SafetyAlert): Promise<boolean> {
    const config = this.config;
    const signer = this.signer;
    if (!config || !signer) return false;
    const budget = startSendBudget(
      this.clock,
      config.timeoutSeconds * 1000,
      this.shutdownController.signal,
    );
    let problem = "no attempt was made";
    let cause: unknown;
    try {
      const body = JSON.stringify(toWebhookPayload(alert));
      for (let attempt = 0; attempt <= config.maxRetries; attempt++) {
        let wait = this.backoffMs * 2 ** attempt * (0.75 + Math.random() * 0.5);
        try {
          const reply = await postJson(
            config.webhookUrl,
            body,
            { ...config.headers, ...this.sign(signer, alert.id, body) },
            budget.signal,
          );
          if (reply.status >= 200 && reply.status < 300) {
            this.error = undefined;
            return true;
          }
          problem = `receiver answered HTTP ${reply.status}: ${reply.body.slice(0, 200)}`;
          cause = undefined;
          if (!retryable(reply)) break;
          wait = Math.max(wait, retryAfterMs(reply, this.clock.now()) ?? 0);
        } catch (error) {
          if (budget.signal.aborted) {
            problem = describeError(budget.signal.reason);
            cause = budget.signal.reason;
            break;
          }
          problem = `request failed: ${describeError(error)}`;
          cause = error;
        }
        if (attempt < config.maxRetries && !(await budget.sleep(wait))) {
          problem += budget.signal.aborted ? "" : " (no time left to retry)";
          break;
        }
      }
    } catch (error) {
      problem = describeError(error);
      cause = error;
    } finally {
      budget.dispose();
    }
    this.error = new ChannelDeliveryError(`WebhookChannel: ${problem}`, { cause });
    return false;
  }

  /** Forgets the config and aborts sends in flight; later sends return `false`. */
  shutdown(): void {
    this.config = undefined;
    this.signer = undefined;
    this.shutdownController.abort(
      new SafeguardsError(ErrorCode.SHUT_DOWN, "WebhookChannel was shut down"),
    );
  }

  private sign(signer: Webhook, id: string, body: string): Record<string, string> {
    const timestamp = new Date(this.clock.now());
    return {
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
      "webhook-signature": signer.sign(id, timestamp, body),
    };
  }
}

function retryable(reply: HttpReply): boolean {
  return reply.status === 408 || reply.status === 429 || reply.status >= 500;
}
