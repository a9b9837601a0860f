/**
 * @module settle-within
 * Runs a possibly-async call and settles within a deadline on the injected clock,
 * turning a synchronous throw, a rejection or a hang into a value.
 */
import type { Clock } from "./clock.js";

/** How a call ended: its value, its error, or still running at the deadline. */
export type Settled<T> =
  | { kind: "value"; value: T }
  | { kind: "error"; error: unknown }
  | { kind: "timeout" };

/**
 * Calls `fn` and resolves with how it ended, at the latest after `ms` on `clock`.
 * Never rejects. A call that finishes after the deadline is ignored (its rejection
 * is swallowed, so it never becomes an unhandled rejection).
 */
export function settleWithin<T>(
  fn: () => T | PromiseLike<T>,
  ms: number,
  clock: Clock,
): Promise<Settled<Awaited<T>>> {
  let result: T | PromiseLike<T>;
  try {
    result = fn();
  } catch (error) {
    return Promise.resolve({ kind: "error", error });
  }
  if (!isThenable(result)) {
    return Promise.resolve({ kind: "value", value: result as Awaited<T> });
  }
  return new Promise((resolve) => {
    let done = false;
    const timer = clock.setTimeout(() => {
      if (done) return;
      done = true;
      resolve({ kind: "timeout" });
    }, ms);
    Promise.resolve(result).then(
      (value) => {
        if (done) return;
        done = true;
        clock.clearTimeout(timer);
        resolve({ kind: "value", value: value as Awaited<T> });
      },
      (error: unknown) => {
        if (done) return;
        done = true;
        clock.clearTimeout(timer);
        resolve({ kind: "error", error });
      },
    );
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}
