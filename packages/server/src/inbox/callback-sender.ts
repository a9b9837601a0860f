/**
 * @module inbox/callback-sender
 * Delivers terminal records to `callback_url`, signed with Standard Webhooks
 * (`webhook-id`, `webhook-timestamp`, `webhook-signature`), retrying with exponential backoff
 * until a 2xx or the retry window ends. A 3xx is not followed and ends the delivery at once
 * as a failure (a redirect cannot become a 2xx by retrying, and following it would let the
 * receiver point the inbox anywhere). At most `maxConcurrent` attempts run at once; the
 * others wait their turn. The decision is already committed and stays
 * available from `/decisions` and `/actions/{id}`; the store marks the callback owed until
 * `onDelivered` or `onGiveUp` reports how it ended, so an inbox that restarts sends the
 * callbacks it still owes again (at least once; the `webhook-id` is the same every time).
 */
import type { Clock, protocol } from "@safeguards/core";
import { Webhook } from "standardwebhooks";
import { type Dispatcher, request } from "undici";
import { createLimiter } from "../util/limiter.js";
import { traceCallbackAttempt, traceHeader } from "./inbox-telemetry.js";

/** Retry schedule of callbacks. */
export interface CallbackRetryOptions {
  /** Delay before the first retry (ms). @default 1000 */
  initialDelayMs?: number;
  /** Longest delay between attempts (ms). @default 300000 */
  maxDelayMs?: number;
  /** No attempt starts later than this after the first one (ms). @default 86400000 */
  windowMs?: number;
  /** Timeout of one attempt (ms). @default 10000 */
  attemptTimeoutMs?: number;
}

/** Default of `maxConcurrent`: callback attempts in flight at once. */
export const DEFAULT_MAX_CONCURRENT = 16;

/** Options of {@link createCallbackSender}. */
export interface CallbackSenderOptions {
  /** Standard Webhooks secret (`whsec_...`). */
  signingSecret: string;
  /** The secret of one agent's callbacks (per-agent secrets). @default always `signingSecret` */
  secretFor?: (agentId: string) => string;
  clock: Clock;
  retry?: CallbackRetryOptions;
  /** Most attempts in flight at once (the rest are queued, not dropped). @default 16 */
  maxConcurrent?: number;
  /** The undici dispatcher attempts go through. @default undici's global dispatcher */
  dispatcher?: Dispatcher;
  /** Called when the retry window ends without a 2xx, or at once on a 3xx. */
  onGiveUp?: (info: { actionId: string; url: string; attempts: number; error: string }) => void;
  /** Called when an attempt got a 2xx. */
  onDelivered?: (info: { actionId: string; url: string; attempts: number }) => void;
}

/** Sends signed callbacks. */
export interface CallbackSender {
  /**
   * Starts delivering `record` to `url` (returns at once). `since` (ms) is when delivery
   * began, for a callback owed from before a restart: the retry window counts from it.
   */
  deliver(url: string, record: protocol.ActionRecord, since?: number): void;
  /** Resolves when no delivery is in flight or scheduled (for tests and shutdown). */
  idle(): Promise<void>;
  /** Cancels scheduled retries and aborts attempts in flight. */
  close(): void;
}

/** Creates a {@link CallbackSender}. */
export function createCallbackSender(options: CallbackSenderOptions): CallbackSender {
  const webhooks = new Map<string, Webhook>();
  const webhookFor = (agentId: string) => {
    const secret = options.secretFor?.(agentId) ?? options.signingSecret;
    const webhook = webhooks.get(secret) ?? new Webhook(secret);
    webhooks.set(secret, webhook);
    return webhook;
  };
  const { clock } = options;
  const initialDelay = options.retry?.initialDelayMs ?? 1000;
  const maxDelay = options.retry?.maxDelayMs ?? 300_000;
  const windowMs = options.retry?.windowMs ?? 86_400_000;
  const attemptTimeout = options.retry?.attemptTimeoutMs ?? 10_000;
  const limiter = createLimiter(options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT);
  const timers = new Set<unknown>();
  const aborts = new Set<AbortController>();
  let active = 0;
  let idleWaiters: Array<() => void> = [];
  let closed = false;

  const settle = () => {
    active = Math.max(0, active - 1);
    if (active === 0) {
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
    }
  };

  /** One POST: `null` on a 2xx, else the error and whether retrying may help. */
  const post = async (
    url: string,
    record: protocol.ActionRecord,
  ): Promise<{ error: string; final: boolean } | null> => {
    if (closed) return { error: "the inbox is closing", final: true };
    const payload = JSON.stringify({ type: "action.decided", data: record });
    const msgId = `msg_${record.id}`;
    const now = new Date(clock.now());
    const abort = new AbortController();
    aborts.add(abort);
    const timer = setTimeout(() => abort.abort(), attemptTimeout);
    try {
      const response = await request(url, {
        method: "POST",
        signal: abort.signal,
        ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
        headers: {
          "content-type": "application/json",
          "webhook-id": msgId,
          "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
          "webhook-signature": webhookFor(record.agent_id).sign(msgId, now, payload),
          ...traceHeader(),
        },
        body: payload,
      });
      await response.body.dump().catch(() => {});
      const status = response.statusCode;
      if (status >= 200 && status < 300) return null;
      if (status >= 300 && status < 400)
        return { error: `HTTP ${status} (redirects are not followed)`, final: true };
      return { error: `HTTP ${status}`, final: false };
    } catch (error) {
      const cause = (error as { cause?: Error }).cause;
      const message = (error as Error).message || String(error);
      return { error: cause?.message ? `${message}: ${cause.message}` : message, final: false };
    } finally {
      clearTimeout(timer);
      aborts.delete(abort);
    }
  };
  const attempt = (url: string, record: protocol.ActionRecord, attempts: number) =>
    limiter.run(() => traceCallbackAttempt(record, attempts, () => post(url, record)));

  const run = async (url: string, record: protocol.ActionRecord, since?: number) => {
    const started = since ?? clock.now();
    if (clock.now() - started > windowMs) {
      const error = "the retry window ended before the inbox restarted";
      options.onGiveUp?.({ actionId: record.id, url, attempts: 0, error });
      return;
    }
    let delay = initialDelay;
    for (let attempts = 1; ; attempts += 1) {
      const failure = await attempt(url, record, attempts);
      if (closed) return;
      if (failure === null) {
        options.onDelivered?.({ actionId: record.id, url, attempts });
        return;
      }
      const { error } = failure;
      if (failure.final || clock.now() + delay - started > windowMs) {
        options.onGiveUp?.({ actionId: record.id, url, attempts, error });
        return;
      }
      await new Promise<void>((resolve) => {
        const handle = clock.setTimeout(() => {
          timers.delete(handle);
          resolve();
        }, delay);
        timers.add(handle);
      });
      if (closed) return;
      delay = Math.min(delay * 2, maxDelay);
    }
  };

  return {
    deliver(url, record, since) {
      if (closed) return;
      active += 1;
      run(url, record, since).finally(settle);
    },
    idle() {
      return active === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve));
    },
    close() {
      closed = true;
      for (const handle of timers) clock.clearTimeout(handle);
      timers.clear();
      for (const abort of aborts) abort.abort();
      // Pending retry promises never resolve once their timer is cleared; release idle().
      active = 0;
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
    },
  };
}
