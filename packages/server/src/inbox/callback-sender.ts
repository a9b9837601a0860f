/**
 * @module inbox/callback-sender
 * Delivers terminal records to `callback_url`, signed with Standard Webhooks
 * (`webhook-id`, `webhook-timestamp`, `webhook-signature`), retrying with exponential backoff
 * until a 2xx or the retry window ends. Delivery is best effort: the decision is already
 * committed and stays available from `/decisions` and `/actions/{id}`.
 */
import type { Clock, protocol } from "@safeguards/core";
import { Webhook } from "standardwebhooks";

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

/** Options of {@link createCallbackSender}. */
export interface CallbackSenderOptions {
  /** Standard Webhooks secret (`whsec_...`). */
  signingSecret: string;
  clock: Clock;
  retry?: CallbackRetryOptions;
  /** Called when the retry window ends without a 2xx. */
  onGiveUp?: (info: { actionId: string; url: string; attempts: number; error: string }) => void;
}

/** Sends signed callbacks. */
export interface CallbackSender {
  /** Starts delivering `record` to `url` (returns at once). */
  deliver(url: string, record: protocol.ActionRecord): void;
  /** Resolves when no delivery is in flight or scheduled (for tests and shutdown). */
  idle(): Promise<void>;
  /** Cancels scheduled retries and aborts attempts in flight. */
  close(): void;
}

/** Creates a {@link CallbackSender}. */
export function createCallbackSender(options: CallbackSenderOptions): CallbackSender {
  const webhook = new Webhook(options.signingSecret);
  const { clock } = options;
  const initialDelay = options.retry?.initialDelayMs ?? 1000;
  const maxDelay = options.retry?.maxDelayMs ?? 300_000;
  const windowMs = options.retry?.windowMs ?? 86_400_000;
  const attemptTimeout = options.retry?.attemptTimeoutMs ?? 10_000;
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

  const attempt = async (url: string, record: protocol.ActionRecord): Promise<string | null> => {
    const payload = JSON.stringify({ type: "action.decided", data: record });
    const msgId = `msg_${record.id}`;
    const now = new Date(clock.now());
    const abort = new AbortController();
    aborts.add(abort);
    const timer = setTimeout(() => abort.abort(), attemptTimeout);
    try {
      const response = await fetch(url, {
        method: "POST",
        redirect: "manual",
        signal: abort.signal,
        headers: {
          "content-type": "application/json",
          "webhook-id": msgId,
          "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
          "webhook-signature": webhook.sign(msgId, now, payload),
        },
        body: payload,
      });
      await response.body?.cancel();
      return response.ok ? null : `HTTP ${response.status}`;
    } catch (error) {
      return (error as Error).message || String(error);
    } finally {
      clearTimeout(timer);
      aborts.delete(abort);
    }
  };

  const run = async (url: string, record: protocol.ActionRecord) => {
    const started = clock.now();
    let delay = initialDelay;
    for (let attempts = 1; ; attempts += 1) {
      const error = await attempt(url, record);
      if (error === null || closed) return;
      if (clock.now() + delay - started > windowMs) {
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
    deliver(url, record) {
      if (closed) return;
      active += 1;
      run(url, record).finally(settle);
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
