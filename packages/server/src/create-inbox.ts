/**
 * @module create-inbox
 * `createInbox(options)`: the approval inbox of PROTOCOL.md as a web-standard
 * `fetch(request)` handler (mount it in any server) that can also listen on its own port.
 */

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import {
  type Clock,
  ErrorCode,
  InvalidConfigError,
  type protocol,
  SafeguardsError,
  systemClock,
} from "@safeguards/core";
import { parseConfig } from "@safeguards/core/internal";
import type { Hono } from "hono";
import { z } from "zod";
import { createReviewerGate } from "./auth/reviewer-gate.js";
import { createReviewers, type ReviewersOptions } from "./create-reviewers.js";
import { createApp } from "./http/app.js";
import { type Authenticator, createBearerCheck } from "./http/auth.js";
import type { HttpContext } from "./http/context.js";
import { errorResponse } from "./http/errors.js";
import { createRequestOrigin } from "./http/request-origin.js";
import { createSignatureVerifier } from "./http/verify-signature.js";
import { type ActionService, createActionService } from "./inbox/action-service.js";
import { type CallbackUrlPolicy, createCallbackUrlCheck } from "./inbox/callback-allowlist.js";
import { createCallbackDelivery } from "./inbox/callback-delivery.js";
import type { CallbackLookup } from "./inbox/callback-dispatcher.js";
import type { CallbackRetryOptions } from "./inbox/callback-sender.js";
import { createLocalNotifier, type DecisionNotifier } from "./inbox/decision-notifier.js";
import { createExpirySweeper } from "./inbox/expiry-sweeper.js";
import { createInboxEvents, type InboxEvents } from "./inbox/inbox-events.js";
import { signingSecrets } from "./inbox/signing-secrets.js";
import {
  createWaitLimiter,
  DEFAULT_MAX_WAITS_PER_AGENT,
  type WaitLimiter,
} from "./inbox/wait-limiter.js";
import type { ActionStore, StoredRecord } from "./store/action-store.js";
import { isPostgresUrl, postgresNotifier, resolveStore } from "./store/resolve-store.js";
import { closeServer } from "./util/close-server.js";

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
  /** Resolves callback host names (tests inject one). @default `dns.promises.lookup` */
  callbackLookup?: CallbackLookup;
  /** Longest sleep of the expiry sweeper (ms). @default 30000 */
  expirySweepMs?: number;
  /** Receives unexpected errors (500s, failed sweeps, listener errors). @default console.error */
  onError?: (error: unknown) => void;
  /** Receives configuration warnings at start (e.g. weak bcrypt costs). @default console.warn */
  onWarning?: (message: string) => void;
}

/** A running inbox. */
export interface Inbox {
  /** Web-standard request handler; works under `basePath` in any server. */
  fetch(request: Request): Promise<Response>;
  /** Listens on `host:port` (port 0 picks a free one); `url` is a channel's `webhookUrl`. */
  listen(options?: { port?: number; host?: string }): Promise<{ url: string }>;
  /** Stops listening, releases long polls, stops timers, closes the store it opened. */
  close(): Promise<void>;
  /** Subscribes to `action.created`, `action.decided`, `callback.failed` (Slack, email, logs). */
  on: InboxEvents["on"];
  /** The Hono app, to add routes (e.g. a reviewer UI) next to the API. */
  app: Hono;
  store: ActionStore;
  service: ActionService;
  /** Open waits per caller (`held("agent:<id>")`), for metrics and tests. */
  waits: Pick<WaitLimiter, "held">;
  /** Times out every due action now. */
  sweepExpired(): Promise<void>;
  /** Resolves when no callback delivery is in flight or scheduled. */
  callbacksIdle(): Promise<void>;
  /** Resolves when the reviewer notifications queued so far (emails, Slack) are sent or failed. */
  notificationsIdle(): Promise<void>;
}

const fn = <T>() => z.custom<T>((v) => typeof v === "function");
const optionsSchema = z.strictObject({
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
  callbackLookup: fn<CallbackLookup>().optional(),
  expirySweepMs: z.number().int().positive().optional(),
  onError: fn<(error: unknown) => void>().optional(),
  onWarning: fn<(message: string) => void>().optional(),
});

/** Creates an approval inbox (see {@link InboxOptions}). */
export function createInbox(options: InboxOptions): Inbox {
  const config = parseConfig("createInbox", optionsSchema, options) as InboxOptions;
  const reviewers = config.reviewers ? createReviewers(config.reviewers) : undefined;
  const warn =
    config.onWarning ?? ((m: string) => console.warn(`[safeguards-inbox] warning: ${m}`));
  for (const warning of reviewers?.directory.warnings ?? []) warn(warning);
  const reviewerTokens = { ...config.reviewerTokens, ...reviewers?.tokens };
  const shared = Object.keys(config.apiKeys).filter((k) => Object.hasOwn(reviewerTokens, k));
  if (shared.length > 0)
    throw new InvalidConfigError(
      "createInbox: a key cannot be both an API key and a reviewer token",
    );
  const secretFor = signingSecrets(
    config.signingSecret,
    config.agentSigningSecrets,
    Object.values(config.apiKeys),
  );
  const clock = config.clock ?? systemClock;
  const onError =
    config.onError ?? ((error: unknown) => console.error("[safeguards-inbox]", error));
  const basePath = config.basePath ?? "";
  const { store, owned } = resolveStore(config.store);
  const notifier =
    config.notifier ??
    (isPostgresUrl(config.store) ? postgresNotifier(config.store, onError) : createLocalNotifier());
  const events = createInboxEvents(onError);
  const shutdown = new AbortController();
  const checkCallbackUrl = createCallbackUrlCheck(config.callbackUrls, "createInbox: callbackUrls");
  const publicUrl = config.publicUrl?.replace(/\/$/, "");
  const reviewUrl = (id: string, requestUrl?: string) => {
    const base = publicUrl ?? (requestUrl ? new URL(requestUrl).origin + basePath : undefined);
    return base ? `${base}/review/${encodeURIComponent(id)}` : undefined;
  };
  const toWire = (record: StoredRecord, requestUrl?: string): protocol.ActionRecord => {
    const url = reviewUrl(record.id, requestUrl);
    return url ? { ...record, review_url: url } : { ...record };
  };

  const callbacks = config.signingSecret
    ? createCallbackDelivery({
        signingSecret: config.signingSecret,
        ...(secretFor ? { secretFor } : {}),
        clock,
        ...(config.callbackRetry ? { retry: config.callbackRetry } : {}),
        store,
        events,
        checkCallbackUrl,
        publicOnly: config.callbackUrls === undefined,
        lookup: config.callbackLookup,
        maxConcurrent: config.callbackConcurrency,
        toWire: (record) => toWire(record),
        onError,
      })
    : undefined;

  let sweeperRef: ReturnType<typeof createExpirySweeper> | undefined;
  const service = createActionService({
    store,
    clock,
    notifier,
    events,
    ...(callbacks ? { callbacks } : {}),
    checkCallbackUrl,
    toWire: (record) => toWire(record),
    onPending: (at) => sweeperRef?.schedule(at),
    maxPendingPerAgent: config.maxPendingPerAgent ?? DEFAULT_MAX_PENDING_PER_AGENT,
  });
  const sweeper = createExpirySweeper({
    store,
    clock,
    expire: (id) => service.expire(id),
    ...(config.expirySweepMs ? { maxSleepMs: config.expirySweepMs } : {}),
    onError,
  });
  sweeperRef = sweeper;

  const waits = createWaitLimiter(config.maxWaitsPerAgent ?? DEFAULT_MAX_WAITS_PER_AGENT);
  const bearer = createBearerCheck({ apiKeys: config.apiKeys, reviewerTokens });
  const extra = config.authenticate;
  // The one rights check of every reviewer path (API tokens, web, email, Slack).
  const gate = createReviewerGate(service, reviewers?.rights(config.reviewerTokens ?? {}));
  const ctx: HttpContext = {
    service,
    gate,
    notifier,
    clock,
    authenticator: async (r) =>
      (extra ? await extra(r) : undefined) ?? bearer(r.headers.get("authorization") ?? undefined),
    toWire,
    ...(secretFor ? { verifySignature: createSignatureVerifier(secretFor) } : {}),
    waits,
    shutdown: shutdown.signal,
  };
  const origin = createRequestOrigin({
    ...(config.trustProxy !== undefined ? { trustProxy: config.trustProxy } : {}),
    publicUrl: config.reviewers?.publicUrl ?? publicUrl,
  });
  const app = createApp(ctx, { basePath, onError, origin });
  reviewers?.mount({
    app,
    service,
    gate,
    events,
    clock,
    basePath,
    origin,
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    shutdown: shutdown.signal,
    onError,
  });
  const ready = store.init().then(() => sweeper.start());
  ready.catch(onError);
  // Callbacks owed from before a restart (the decisions themselves are on /decisions); a
  // failed start is reported once, above.
  ready
    .then(
      () => callbacks?.resendOwed(),
      () => {},
    )
    .catch(onError);

  let server: Server | undefined;
  let closing: Promise<void> | undefined;

  return {
    app,
    store,
    service,
    waits,
    on: events.on,
    sweepExpired: () => sweeper.sweep(),
    callbacksIdle: () => callbacks?.idle() ?? Promise.resolve(),
    notificationsIdle: () => reviewers?.idle() ?? Promise.resolve(),
    async fetch(request) {
      try {
        await ready;
      } catch {
        return errorResponse("internal_error", "The inbox failed to start; see its error log");
      }
      return app.fetch(request);
    },
    async listen({ port = 0, host = "127.0.0.1" } = {}) {
      await ready;
      if (server) throw new SafeguardsError(ErrorCode.CONFLICT, "Inbox is already listening");
      const listening = createServer(getRequestListener(app.fetch, { hostname: host }));
      server = listening;
      await new Promise<void>((resolve, reject) => {
        listening.once("listening", resolve);
        listening.once("error", reject);
        listening.listen(port, host);
      });
      const address = listening.address() as AddressInfo;
      const hostPart = address.family === "IPv6" ? `[${address.address}]` : address.address;
      return { url: `http://${hostPart}:${address.port}${basePath}/api` };
    },
    close() {
      closing ??= (async () => {
        shutdown.abort();
        await ready.catch(() => {});
        await sweeper.stop();
        callbacks?.close();
        await reviewers?.close();
        // Long polls and event streams were released above; what is left gets 1 s to finish.
        if (server) await closeServer(server, 1000);
        await notifier.close();
        if (owned) await store.close();
      })();
      return closing;
    },
  };
}
