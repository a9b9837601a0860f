/**
 * @module create-inbox
 * `createInbox(options)`: the approval inbox of PROTOCOL.md as a web-standard
 * `fetch(request)` handler (mount it in any server) that can also listen on its own port.
 */

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import {
  ErrorCode,
  InvalidConfigError,
  type protocol,
  SafeguardsError,
  systemClock,
} from "@safeguards/core";
import { parseConfig } from "@safeguards/core/internal";
import type { Hono } from "hono";
import { createQuorumCheck, createReviewerGate } from "./auth/reviewer-gate.js";
import { createReviewers } from "./create-reviewers.js";
import { createApp } from "./http/app.js";
import { createBearerCheck } from "./http/auth.js";
import type { HttpContext } from "./http/context.js";
import { errorResponse } from "./http/errors.js";
import { createRequestOrigin } from "./http/request-origin.js";
import { createSignatureVerifier } from "./http/verify-signature.js";
import { createActionFeed } from "./inbox/action-feed.js";
import { type ActionService, createActionService } from "./inbox/action-service.js";
import { createCallbackUrlCheck } from "./inbox/callback-allowlist.js";
import { createCallbackDelivery } from "./inbox/callback-delivery.js";
import { createLocalNotifier } from "./inbox/decision-notifier.js";
import { createEscalator } from "./inbox/escalation.js";
import { createExpirySweeper } from "./inbox/expiry-sweeper.js";
import { createInboxEvents, type InboxEvents } from "./inbox/inbox-events.js";
import { observePending } from "./inbox/inbox-telemetry.js";
import { withQuorumDefaults } from "./inbox/quorum-decision.js";
import { signingSecrets } from "./inbox/signing-secrets.js";
import {
  createWaitLimiter,
  DEFAULT_MAX_WAITS_PER_AGENT,
  type WaitLimiter,
} from "./inbox/wait-limiter.js";
import {
  DEFAULT_MAX_PENDING_PER_AGENT,
  type InboxOptions,
  optionsSchema,
} from "./inbox-options.js";
import type { ActionStore, StoredRecord } from "./store/action-store.js";
import { createMemoryReviewerState } from "./store/memory-reviewer-state.js";
import { isPostgresUrl, postgresNotifier, resolveStore } from "./store/resolve-store.js";
import { createMemorySlackMessages } from "./store/slack-message-store.js";
import { closeServer } from "./util/close-server.js";

export type { InboxOptions } from "./inbox-options.js";

/** A running inbox. */
export interface Inbox {
  /** Web-standard request handler; works under `basePath` in any server. */
  fetch(request: Request): Promise<Response>;
  /** Listens on `host:port` (port 0 picks a free one); `url` is a channel's `webhookUrl`. */
  listen(options?: { port?: number; host?: string }): Promise<{ url: string }>;
  /** Stops listening, releases long polls, stops timers, closes the store it opened. */
  close(): Promise<void>;
  /**
   * Subscribes to `action.created`, `action.updated` (an approval, modification or escalation
   * recorded while pending), `action.escalated`, `action.decided`, `callback.failed`.
   */
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
  const toWire = (stored: StoredRecord, requestUrl?: string): protocol.ActionRecord => {
    const { traceparent: _kept, ...record } = stored;
    const url = reviewUrl(record.id, requestUrl);
    const full = withQuorumDefaults(record);
    return url ? { ...full, review_url: url } : full;
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
        leaseMs: config.callbackLeaseMs,
      })
    : undefined;

  // With accounts the inbox knows every reviewer (a name without an account or a plain
  // reviewer token has no rights), so it can tell a quorum nobody could reach.
  const rights = reviewers?.rights(config.reviewerTokens ?? {});
  const groupsOf = (name: string) => reviewers?.directory.get(name)?.groups;
  const knownReviewers = [
    ...new Set([
      ...(reviewers?.directory.names() ?? []),
      ...Object.values(config.reviewerTokens ?? {}),
    ]),
  ];

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
    ...(rights
      ? { checkQuorum: createQuorumCheck({ rights, groupsOf, reviewers: knownReviewers }) }
      : {}),
  });
  const sweeper = createExpirySweeper({
    store,
    clock,
    expire: (id) => service.expire(id),
    escalate: createEscalator({
      store,
      clock,
      events,
      updatePending: service.updatePending,
      toWire: (record) => toWire(record),
    }),
    ...(config.expirySweepMs ? { maxSleepMs: config.expirySweepMs } : {}),
    onError,
  });
  sweeperRef = sweeper;

  const waits = createWaitLimiter(config.maxWaitsPerAgent ?? DEFAULT_MAX_WAITS_PER_AGENT);
  const bearer = createBearerCheck({ apiKeys: config.apiKeys, reviewerTokens });
  const extra = config.authenticate;
  // The one rights check of every reviewer path (API tokens, web, email, Slack).
  const gate = createReviewerGate(service, rights, groupsOf);
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
    feed: createActionFeed({
      events,
      notifier,
      read: async (id) => (await store.get(id))?.record,
      onError,
    }),
    slackMessages: store.slackMessages?.() ?? createMemorySlackMessages(),
    clock,
    state: store.reviewerState ?? createMemoryReviewerState(),
    basePath,
    origin,
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    shutdown: shutdown.signal,
    onError,
  });
  const stopObservingPending = observePending(store, onError);
  const ready = store
    .init()
    .then(() => sweeper.start())
    .then(() => reviewers?.start());
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
        stopObservingPending();
        await ready.catch(() => {});
        await sweeper.stop();
        await callbacks?.release().catch(onError);
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
