/**
 * @module slack-channel
 * `SlackChannel`: posts alerts to Slack as Block Kit messages, through an incoming webhook
 * (`webhookUrl`) or a bot token (`chat.postMessage`). Honours `Retry-After` on 429 within
 * the send's time budget.
 */
import { z } from "zod";
import type { SafetyAlert } from "../alerts/safety-alert.js";
import { ChannelDeliveryError, ErrorCode, SafeguardsError } from "../errors.js";
import { type Clock, systemClock } from "../util/clock.js";
import { parseConfig, refuseSnakeCaseKeys } from "../util/config.js";
import { describeError, type HttpReply, postJson, retryAfterMs } from "./http-post.js";
import type { NotificationChannel } from "./notification-channel.js";
import { DEFAULT_CHANNEL_TIMEOUT_SECONDS, startSendBudget } from "./send-budget.js";
import { buildSlackMessage } from "./slack-message.js";

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

const SlackConfigSchema = z
  .strictObject({
    /** Incoming-webhook URL (webhook mode). */
    webhookUrl: httpUrl.optional(),
    /** Bot token `xoxb-...` (bot mode, uses `chat.postMessage`). */
    botToken: z.string().min(1).optional(),
    /** Channel such as `#agent-alerts`; required in bot mode. */
    channel: z.string().min(1).optional(),
    username: z.string().min(1).optional(),
    iconEmoji: z
      .string()
      .regex(/^:[\w+-]+:$/, "must look like :robot_face:")
      .optional(),
    /** Base URL of Slack's Web API. @default "https://slack.com/api" */
    apiUrl: httpUrl.default("https://slack.com/api"),
    /** Upper bound of one send, retries included. @default 10 */
    timeoutSeconds: z.number().positive().max(600).default(DEFAULT_CHANNEL_TIMEOUT_SECONDS),
  })
  .superRefine((c, ctx) => {
    if (!c.webhookUrl === !c.botToken) {
      ctx.addIssue({
        code: "custom",
        path: [c.webhookUrl ? "botToken" : "webhookUrl"],
        message: "set exactly one of webhookUrl (incoming webhook) or botToken (chat.postMessage)",
      });
    }
    if (c.botToken && !c.channel) {
      ctx.addIssue({ code: "custom", path: ["channel"], message: "is required with botToken" });
    }
  });

/** Configuration of {@link SlackChannel} (the guide's keys, camelCase). */
export type SlackChannelConfig = z.input<typeof SlackConfigSchema>;

/** Options of the {@link SlackChannel} constructor. */
export interface SlackChannelOptions {
  /** Time source for the send budget and `Retry-After` waits. @default systemClock */
  clock?: Clock;
}

const MAX_ATTEMPTS = 5;

/** Sends alerts to Slack. `sendNotification` never throws; see {@link SlackChannel.lastError}. */
export class SlackChannel implements NotificationChannel<SlackChannelConfig> {
  private config: z.output<typeof SlackConfigSchema> | undefined;
  private shutdownController = new AbortController();
  private readonly clock: Clock;
  private error: SafeguardsError | undefined;

  constructor(options: SlackChannelOptions = {}) {
    refuseSnakeCaseKeys("SlackChannel", options);
    this.clock = options.clock ?? systemClock;
  }

  /** Why the last failed send failed (cleared by a successful send). */
  get lastError(): SafeguardsError | undefined {
    return this.error;
  }

  /** Validates the config; throws {@link InvalidConfigError} naming a bad key. */
  initialize(config: SlackChannelConfig): void {
    this.config = parseConfig("SlackChannel", SlackConfigSchema, config);
    this.shutdownController = new AbortController();
  }

  /** Posts `alert`; `true` once Slack accepted it, `false` otherwise (never throws). */
  async sendNotification(alert: SafetyAlert): Promise<boolean> {
    const config = this.config;
    if (!config) return false;
    const budget = startSendBudget(
      this.clock,
      config.timeoutSeconds * 1000,
      this.shutdownController.signal,
    );
    try {
      const message = buildSlackMessage(alert);
      const bot = config.botToken !== undefined;
      const url = bot
        ? `${config.apiUrl.replace(/\/+$/, "")}/chat.postMessage`
        : config.webhookUrl!;
      const payload: Record<string, unknown> = { ...message };
      if (config.channel) payload.channel = config.channel;
      if (!bot && config.username) payload.username = config.username;
      if (!bot && config.iconEmoji) payload.icon_emoji = config.iconEmoji;
      const headers: Record<string, string> = bot
        ? { authorization: `Bearer ${config.botToken}` }
        : {};
      const body = JSON.stringify(payload);
      for (let attempt = 1; ; attempt++) {
        const reply = await postJson(url, body, headers, budget.signal);
        if (reply.status === 429 && attempt < MAX_ATTEMPTS) {
          const wait = retryAfterMs(reply, this.clock.now()) ?? 1000;
          if (await budget.sleep(wait)) continue;
          return this.fail(
            `Slack rate-limited the send (429, Retry-After ${wait / 1000} s) and the ${config.timeoutSeconds} s budget does not allow waiting`,
          );
        }
        const problem = bot ? botProblem(reply) : webhookProblem(reply);
        if (problem) return this.fail(problem);
        this.error = undefined;
        return true;
      }
    } catch (error) {
      const reason = budget.signal.aborted ? budget.signal.reason : error;
      return this.fail(`Slack request failed: ${describeError(reason)}`, reason);
    } finally {
      budget.dispose();
    }
  }

  /** Forgets the config and aborts sends in flight; later sends return `false`. */
  shutdown(): void {
    this.config = undefined;
    this.shutdownController.abort(
      new SafeguardsError(ErrorCode.SHUT_DOWN, "SlackChannel was shut down"),
    );
  }

  private fail(message: string, cause?: unknown): false {
    this.error = new ChannelDeliveryError(message, { cause });
    return false;
  }
}

function webhookProblem(reply: HttpReply): string | undefined {
  if (reply.status >= 200 && reply.status < 300) return undefined;
  return `Slack webhook answered HTTP ${reply.status}: ${reply.body.slice(0, 200)}`;
}

function botProblem(reply: HttpReply): string | undefined {
  if (reply.status < 200 || reply.status >= 300) {
    return `Slack chat.postMessage answered HTTP ${reply.status}: ${reply.body.slice(0, 200)}`;
  }
  try {
    const parsed = JSON.parse(reply.body) as { ok?: unknown; error?: unknown };
    if (parsed.ok === true) return undefined;
    return `Slack chat.postMessage refused the message: ${String(parsed.error ?? "ok is not true")}`;
  } catch {
    return "Slack chat.postMessage answered a body that is not JSON";
  }
}
