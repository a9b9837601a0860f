/**
 * @module auth/login-throttle
 * Slows down password guessing: after 5 failed sign-ins for one name (in memory), that name
 * is locked for 1 minute, doubling with each further failure up to 15 minutes. A success
 * clears the count.
 */
import type { Clock } from "@safeguards/core";

/** Failures allowed before a name is locked. */
export const FREE_ATTEMPTS = 5;
const BASE_LOCK_MS = 60_000;
const MAX_LOCK_MS = 15 * 60_000;

/** Tracks failed sign-ins per name. */
export interface LoginThrottle {
  /** Milliseconds until `name` may try again (0 = now). */
  retryAfterMs(name: string): number;
  failed(name: string): void;
  succeeded(name: string): void;
}

/** Creates a {@link LoginThrottle}. */
export function createLoginThrottle(clock: Clock, maxNames = 10_000): LoginThrottle {
  const state = new Map<string, { failures: number; until: number }>();
  return {
    retryAfterMs(name) {
      const entry = state.get(name);
      return entry ? Math.max(0, entry.until - clock.now()) : 0;
    },
    failed(name) {
      if (state.size >= maxNames && !state.has(name)) {
        const oldest = state.keys().next().value;
        if (oldest !== undefined) state.delete(oldest);
      }
      const entry = state.get(name) ?? { failures: 0, until: 0 };
      entry.failures += 1;
      if (entry.failures >= FREE_ATTEMPTS) {
        const lock = BASE_LOCK_MS * 2 ** (entry.failures - FREE_ATTEMPTS);
        entry.until = clock.now() + Math.min(lock, MAX_LOCK_MS);
      }
      state.set(name, entry);
    },
    succeeded(name) {
      state.delete(name);
    },
  };
}
