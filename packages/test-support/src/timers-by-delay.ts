/**
 * @module timers-by-delay
 * A manual clock that tells which timers are armed by their delay, so a test moves time on
 * only once the timer it means to fire is armed (a retry armed when a response arrives),
 * however late that response comes on a loaded machine.
 */
import type { ManualClock } from "@safeguards/core";

/** A {@link ManualClock} with the count of its pending timers of one delay. */
export interface TimersByDelay {
  /** The clock to inject (the wrapped clock's time and timers). */
  clock: ManualClock;
  /** How many timers armed with a delay of `ms` have neither fired nor been cleared. */
  pending(ms: number): number;
}

/** Wraps `manual` so the test can see its pending timers by delay. */
export function timersByDelay(manual: ManualClock): TimersByDelay {
  const delays = new Map<unknown, number>();
  const clock: ManualClock = {
    now: () => manual.now(),
    advance: (ms) => manual.advance(ms),
    pendingTimers: () => manual.pendingTimers(),
    setTimeout(fn, ms) {
      const handle = manual.setTimeout(() => {
        delays.delete(handle);
        fn();
      }, ms);
      delays.set(handle, ms);
      return handle;
    },
    clearTimeout(handle) {
      delays.delete(handle);
      manual.clearTimeout(handle);
    },
  };
  const pending = (ms: number) => [...delays.values()].filter((d) => d === ms).length;
  return { clock, pending };
}
