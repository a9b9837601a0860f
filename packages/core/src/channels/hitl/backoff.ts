/**
 * @module hitl/backoff
 * Exponential backoff with full jitter, and an abortable sleep on the injected clock.
 */
import type { Clock } from "../../util/clock.js";

/** Waits `ms`; resolves early (without error) when `signal` aborts. Injectable for tests. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** A {@link Sleep} on `clock`'s timers. */
export function clockSleep(clock: Clock): Sleep {
  return (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clock.clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = clock.setTimeout(done, ms);
      signal?.addEventListener("abort", done, { once: true });
    });
}

/** Options of {@link backoffDelay}. */
export interface BackoffOptions {
  /** First delay (ms). */
  baseMs: number;
  /** Largest delay (ms). */
  maxMs: number;
  /** Returns a number in [0, 1). @default Math.random */
  random?: () => number;
}

/**
 * Delay before retry number `attempt` (1-based): half fixed, half random ("equal jitter"),
 * of `min(maxMs, baseMs * 2^(attempt-1))`.
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const cap = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  const random = options.random ?? Math.random;
  return Math.round(cap / 2 + (cap / 2) * random());
}
