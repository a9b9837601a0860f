/**
 * @module hitl/hitl-config
 * The configuration of {@link HumanInTheLoopChannel} (camelCase, validated with zod).
 */
import { z } from "zod";
import * as protocol from "../../protocol/index.js";

const secret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, "must be a Standard Webhooks secret (whsec_<base64>)");

/** Schema of {@link HumanInTheLoopChannelConfig}. */
export const HitlConfigSchema = z
  .strictObject({
    /** Base URL of the inbox API, e.g. `http://127.0.0.1:8787/api`. */
    webhookUrl: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
    /** The agent's API key, sent as `Authorization: Bearer`. */
    apiKey: z.string().min(1, "must be a non-empty string"),
    /**
     * The guide's `timeout_seconds`: how long (seconds) a human has to decide an action filed
     * through this channel, unless the request or the handler sets one (the channel exposes it
     * as `defaultTimeoutSeconds`). Not a network timeout: see
     * `requestTimeoutSeconds`. @default 300
     */
    timeoutSeconds: z.number().positive().default(300),
    /**
     * Bound of each HTTP call to the inbox (connect + request + answer), in seconds. One send
     * (filing, `sendNotification`) is bounded by `requestTimeoutSeconds × (maxRetries + 1)`
     * plus the backoff waits between attempts (each at most 30 s). A long poll gets its own
     * `wait` (`longPollSeconds`) on top of this bound. @default 10
     */
    requestTimeoutSeconds: z.number().positive().max(600).default(10),
    /** Polling interval (seconds) used when the long-poll stream is unavailable. @default 5 */
    pollInterval: z.number().positive().max(3600).default(5),
    /** Standard Webhooks secret: signs requests and verifies callbacks. */
    signingSecret: secret.optional(),
    /** Where the inbox should POST decisions (needs `signingSecret` to verify them). */
    callbackUrl: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
    /** Agent id used for alerts sent with `sendNotification` that name none. @default "safeguards" */
    agentId: z.string().min(1).max(200).default("safeguards"),
    /** How long (seconds) an alert filed by `sendNotification` may wait. @default timeoutSeconds */
    alertTimeoutSeconds: z.number().positive().optional(),
    /** `wait` of each long poll on `/decisions`, in seconds. @default 30 */
    longPollSeconds: z.number().int().min(1).max(protocol.MAX_WAIT_SECONDS).default(30),
    /** `false` polls `/decisions` every `pollInterval` instead of long polling. @default true */
    longPoll: z.boolean().default(true),
    /** Retries of one call after the first attempt (network errors, 429, 5xx). @default 4 */
    maxRetries: z.number().int().min(0).max(10).default(4),
    /** `/decisions` cursor to start from (e.g. persisted from {@link HumanInTheLoopChannel.cursor}). */
    decisionsCursor: z.string().min(1).max(100).optional(),
  })
  .superRefine((config, ctx) => {
    if (config.callbackUrl && !config.signingSecret) {
      ctx.addIssue({
        code: "custom",
        path: ["signingSecret"],
        message: "is required with callbackUrl (callbacks are verified with it)",
      });
    }
  });

/** Configuration accepted by {@link HumanInTheLoopChannel.initialize}. */
export type HumanInTheLoopChannelConfig = z.input<typeof HitlConfigSchema>;
/** Parsed configuration, defaults applied. */
export type HitlConfig = z.output<typeof HitlConfigSchema>;
