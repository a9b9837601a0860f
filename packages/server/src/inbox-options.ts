/**
 * @module inbox-options
 * The options of `createInbox`: their types with defaults (TSDoc) and the zod schema that
 * refuses unknown or malformed options at start.
 */
import type { Clock } from "@safeguards/core";
import { z } from "zod";
import type { ReviewersOptions } from "./create-reviewers.js";
import type { Authenticator } from "./http/auth.js";
import type { CallbackUrlPolicy } from "./inbox/callback-allowlist.js";
import type { CallbackLookup } from "./inbox/callback-dispatcher.js";
import type { CallbackRetryOptions } from "./inbox/callback-sender.js";
import type { DecisionNotifier } from "./inbox/decision-notifier.js";
import type { ActionStore } from "./store/action-store.js";

/** Default of `maxPendingPerAgent`. */
export const DEFAULT_MAX_PENDING_PER_AGENT = 10_000;

/** Options of {@link createInbox}. */
export interface InboxOptions {
  /**
   * `"memory"`, a SQLite file path, a `postgres://` URL (PostgreSQL store plus a
   * LISTEN/NOTIFY notifier, for several instances on one database), or an {@link ActionStore}.
   * The SQLite and PostgreSQL drivers are loaded only for a path or URL, when the inbox
   * starts: a database that cannot be opened fails `listen()` and the requests (and goes to
   * `onError`).
   * @default ".safeguards/inbox.db"
   */
  store?: "memory" | string | ActionStore;
  /** Agent API key -> the agent id it speaks for. */
  apiKeys: Record<string, string>;
  /** Reviewer accounts with rights, web inbox, email and Slack approvals (README "Reviewers"). */
  reviewers?: ReviewersOptions;
  /** Reviewer token -> reviewer name. @default {} */
  reviewerTokens?: Record<string, string>;
  /** Standard Webhooks secret (`whsec_...`) that signs callbacks; without it `callback_url` is refused. */
  signingSecret?: string;
  /**
   * Agent id -> that agent's own Standard Webhooks secret: signs its callbacks and verifies
   * its signed requests instead of `signingSecret` (which stays for the agents not listed),
   * so one agent cannot sign callbacks for another. Needs `signingSecret`; each secret must
   * differ from it and from the others. @default {}
   */
  agentSigningSecrets?: Record<string, string>;
  /** Time source (tests inject a manual clock). @default systemClock */
  clock?: Clock;
  /** Public URL of the inbox root (with any prefix), used for `review_url`. @default the request's origin + basePath */
  publicUrl?: string;
  /** Path prefix when mounted inside another server, e.g. `"/inbox"`. @default "" */
  basePath?: string;
  /** Replaces the in-process notifier (e.g. PostgreSQL LISTEN/NOTIFY). */
  notifier?: DecisionNotifier;
  /** Extra authentication (e.g. reviewer sessions), tried before the bearer tokens. */
  authenticate?: Authenticator;
  /** Callback retry schedule. */
  callbackRetry?: CallbackRetryOptions;
  /**
   * Allowed `callback_url` targets (SSRF guard), which may be internal: URL prefixes, e.g.
   * `["https://agents.internal.example/"]`, or `(url, agentId) => boolean`. Others get 422.
   * @default public addresses only: IP literals checked at filing, names on every address they resolve to at delivery
   */
  callbackUrls?: CallbackUrlPolicy;
  /**
   * The inbox is behind one TLS proxy: its `X-Forwarded-Proto` and `X-Forwarded-For`
   * (last entry) are honoured for `Secure` cookies, HSTS and the sign-in throttle's client
   * address. Never set it when clients can reach the inbox directly. @default false
   */
  trustProxy?: boolean;
  /**
   * Most pending actions one agent may have; a filing over it gets 429 `too_many_pending`
   * and stores nothing. @default 10000
   */
  maxPendingPerAgent?: number;
  /**
   * Most waits (`/decisions` long polls and event streams, `GET /actions/{id}?wait`) one
   * agent (or reviewer) may hold open at once; more get 429 `too_many_waits`. @default 100
   */
  maxWaitsPerAgent?: number;
  /** Most callback attempts in flight at once (the rest wait). @default 16 */
  callbackConcurrency?: number;
  /**
   * How long this instance's lease on an owed callback holds without renewal (ms): it renews
   * its leases and takes lapsed ones (a dead instance's) every third of it. @default 60000
   */
  callbackLeaseMs?: number;
  /** Resolves callback host names (tests inject one). @default `dns.promises.lookup` */
  callbackLookup?: CallbackLookup;
  /** Longest sleep of the expiry sweeper (ms). @default 30000 */
  expirySweepMs?: number;
  /** Receives unexpected errors (500s, failed sweeps, listener errors). @default console.error */
  onError?: (error: unknown) => void;
  /** Receives configuration warnings at start (e.g. weak bcrypt costs). @default console.warn */
  onWarning?: (message: string) => void;
}

const fn = <T>() => z.custom<T>((v) => typeof v === "function");
/** Checks `createInbox`'s options (unknown keys refused). */
export const optionsSchema = z.strictObject({
  store: z
    .union([z.string().min(1), z.custom<ActionStore>((v) => typeof v === "object" && v !== null)])
    .optional(),
  apiKeys: z.record(z.string().min(8, "API keys must be at least 8 characters"), z.string().min(1)),
  reviewerTokens: z
    .record(z.string().min(8, "reviewer tokens must be at least 8 characters"), z.string().min(1))
    .optional(),
  reviewers: z.custom<ReviewersOptions>((v) => typeof v === "object" && v !== null).optional(),
  signingSecret: z.string().min(1).optional(),
  agentSigningSecrets: z.record(z.string().min(1), z.string().min(1)).optional(),
  clock: z.custom<Clock>((v) => typeof v === "object" && v !== null).optional(),
  publicUrl: z.url().optional(),
  basePath: z
    .string()
    .regex(/^(\/[A-Za-z0-9._~-]+)*$/, 'basePath must look like "/inbox" (no trailing slash)')
    .optional(),
  notifier: z.custom<DecisionNotifier>((v) => typeof v === "object" && v !== null).optional(),
  authenticate: fn<Authenticator>().optional(),
  callbackRetry: z
    .custom<CallbackRetryOptions>((v) => typeof v === "object" && v !== null)
    .optional(),
  callbackUrls: z
    .union([z.array(z.string()), fn<(url: URL, agentId: string) => boolean>()])
    .optional(),
  trustProxy: z.boolean().optional(),
  maxPendingPerAgent: z.number().int().positive().optional(),
  maxWaitsPerAgent: z.number().int().positive().optional(),
  callbackConcurrency: z.number().int().positive().optional(),
  callbackLeaseMs: z.number().int().min(30).optional(),
  callbackLookup: fn<CallbackLookup>().optional(),
  expirySweepMs: z.number().int().positive().optional(),
  onError: fn<(error: unknown) => void>().optional(),
  onWarning: fn<(message: string) => void>().optional(),
});
