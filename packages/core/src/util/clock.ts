/**
 * @module clock
 * Injected time, so a 5-minute timeout is tested in milliseconds.
 */

/** A source of time and timers. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` after `ms` milliseconds; returns a handle for {@link Clock.clearTimeout}. */
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock (Date.now and the host's timers; timers do not keep the process alive). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** A clock that moves only when told; for tests. */
export interface ManualClock extends Clock {
  /** Moves time forward by `ms`, firing due timers in order. */
  advance(ms: number): void;
  /** Number of timers waiting. */
  pendingTimers(): number;
}

/** Creates a {@link ManualClock} starting at `start` ms since the epoch. */
export function createManualClock(start = Date.UTC(2026, 0, 1)): ManualClock {
  let now = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = ++seq;
      timers.set(id, { at: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    pendingTimers: () => timers.size,
    advance(ms) {
      const target = now + ms;
      for (;;) {
        let nextId: number | undefined;
        let next: { at: number; fn: () => void } | undefined;
        for (const [id, t] of timers) {
          if (t.at <= target && (next === undefined || t.at < next.at)) {
            next = t;
            nextId = id;
          }
        }
        if (next === undefined || nextId === undefined) break;
        timers.delete(nextId);
        now = next.at;
        next.fn();
      }
      now = target;
    },
  };
}
