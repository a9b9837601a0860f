/**
 * @module inbox/wait-limiter
 * Counts the waits each caller holds open (`/decisions` long polls and event streams,
 * `GET /actions/{id}?wait`), so one key cannot tie up the inbox's sockets and memory: a wait
 * over the cap is refused with 429 `too_many_waits`. A slot is released exactly once, when
 * the wait ends, the client disconnects or the inbox closes. Counts live in this process.
 */
import { InboxError } from "./inbox-error.js";

/** Default of `maxWaitsPerAgent`. */
export const DEFAULT_MAX_WAITS_PER_AGENT = 100;

/** Seconds a refused client is told to wait (`Retry-After`). */
export const WAIT_RETRY_AFTER_SECONDS = 1;

/** Hands out wait slots per caller. */
export interface WaitLimiter {
  /** Takes a slot for `key` or throws 429 `too_many_waits`; call the answer once to release it. */
  acquire(key: string): () => void;
  /** Slots `key` holds now (for tests and diagnostics). */
  held(key: string): number;
}

/** Creates a {@link WaitLimiter} allowing `max` open waits per key. */
export function createWaitLimiter(max: number): WaitLimiter {
  const open = new Map<string, number>();
  return {
    acquire(key) {
      const now = open.get(key) ?? 0;
      if (now >= max) {
        throw new InboxError(
          "too_many_waits",
          `This caller already holds ${max} open waits (long polls and event streams), the most this inbox allows (maxWaitsPerAgent); end one or retry without wait`,
          { max_waits: max, retry_after_seconds: WAIT_RETRY_AFTER_SECONDS },
        );
      }
      open.set(key, now + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (open.get(key) ?? 1) - 1;
        if (left > 0) open.set(key, left);
        else open.delete(key);
      };
    },
    held: (key) => open.get(key) ?? 0,
  };
}
