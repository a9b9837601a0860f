/**
 * @module send-budget
 * The time budget of one `sendNotification`: a deadline on the injected clock, an
 * AbortSignal that fires when it passes (or when the channel shuts down), and a sleep
 * that never outlives it. Shared by the network channels.
 */
import { ErrorCode, SafeguardsError } from "../errors.js";
import type { Clock } from "../util/clock.js";

/** Default `timeoutSeconds` of every network channel: one send never takes longer. */
export const DEFAULT_CHANNEL_TIMEOUT_SECONDS = 10;

/** A running deadline for one send. */
export interface SendBudget {
  /** Aborts when the deadline passes or the parent signal aborts. */
  readonly signal: AbortSignal;
  /** Milliseconds left before the deadline (never negative). */
  remainingMs(): number;
  /**
   * Waits `ms` on the clock. Resolves `true` after the wait, `false` at once when the wait
   * would end after the deadline, or as soon as the budget aborts.
   */
  sleep(ms: number): Promise<boolean>;
  /** Cancels the deadline timer; call when the send is over. */
  dispose(): void;
}

/** Starts a budget of `timeoutMs` on `clock`, also aborted by `parent` (e.g. shutdown). */
export function startSendBudget(clock: Clock, timeoutMs: number, parent?: AbortSignal): SendBudget {
  const deadline = clock.now() + timeoutMs;
  const controller = new AbortController();
  const timer = clock.setTimeout(() => {
    controller.abort(
      new SafeguardsError(ErrorCode.TIMEOUT, `Send timed out after ${timeoutMs / 1000} s`),
    );
  }, timeoutMs);
  const onParentAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener("abort", onParentAbort, { once: true });

  return {
    signal: controller.signal,
    remainingMs: () => Math.max(0, deadline - clock.now()),
    sleep(ms) {
      if (controller.signal.aborted || clock.now() + ms >= deadline) return Promise.resolve(false);
      return new Promise<boolean>((resolve) => {
        const onAbort = () => {
          clock.clearTimeout(handle);
          resolve(false);
        };
        const handle = clock.setTimeout(() => {
          controller.signal.removeEventListener("abort", onAbort);
          resolve(true);
        }, ms);
        controller.signal.addEventListener("abort", onAbort, { once: true });
      });
    },
    dispose() {
      clock.clearTimeout(timer);
      parent?.removeEventListener("abort", onParentAbort);
    },
  };
}

/** Resolves with `promise`, or rejects with the signal's reason as soon as it aborts. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
