/**
 * @module inbox/expiry-sweeper
 * One timer for every pending deadline: it sleeps until the earliest `expires_at` in the
 * store (at most `maxSleepMs`, so actions filed by other instances on the same database are
 * seen too), times out every due action, and sleeps again. It sweeps on start, so deadlines
 * that passed while the inbox was down are applied after a restart. With `escalate`, it
 * applies due escalation steps the same way (the store's `dueForEscalation` and
 * `nextEscalation`), on time, after a restart, and once with several instances (each step
 * is a conditional store change).
 */
import type { Clock } from "@safeguards/core";
import type { ActionStore } from "../store/action-store.js";

/** Options of {@link createExpirySweeper}. */
export interface ExpirySweeperOptions {
  store: ActionStore;
  clock: Clock;
  /** Times out one action (conditional on it still being pending). */
  expire: (id: string) => Promise<void>;
  /** Applies one action's due escalation steps (conditional, each step once); answers how many. */
  escalate?: (id: string) => Promise<number>;
  /** Longest sleep between sweeps (ms). @default 30000 */
  maxSleepMs?: number;
  /** Receives sweep failures (the sweeper retries after `maxSleepMs`). */
  onError?: (error: unknown) => void;
}

/** The expiry timer. */
export interface ExpirySweeper {
  /** Sweeps now and starts the timer. */
  start(): Promise<void>;
  /** Tells the sweeper about a new deadline (ms) so it wakes up in time. */
  schedule(atMs: number): void;
  /** Sweeps now; resolves when due actions are timed out. */
  sweep(): Promise<void>;
  /** Stops the timer and waits for a running sweep. */
  stop(): Promise<void>;
}

/** Creates an {@link ExpirySweeper}. */
export function createExpirySweeper(options: ExpirySweeperOptions): ExpirySweeper {
  const { store, clock } = options;
  const maxSleep = options.maxSleepMs ?? 30_000;
  let timer: unknown;
  let timerAt = Number.POSITIVE_INFINITY;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = true;

  const arm = (atMs: number) => {
    if (stopped) return;
    const at = Math.min(atMs, clock.now() + maxSleep);
    if (timer !== undefined && at >= timerAt) return;
    if (timer !== undefined) clock.clearTimeout(timer);
    timerAt = at;
    timer = clock.setTimeout(
      () => {
        timer = undefined;
        timerAt = Number.POSITIVE_INFINITY;
        void sweep();
      },
      Math.max(0, at - clock.now()),
    );
  };

  const runOnce = async () => {
    try {
      for (;;) {
        const due = await store.dueForExpiry(clock.now(), 100);
        for (const id of due) await options.expire(id);
        if (due.length < 100) break;
      }
      let nextEscalation: number | null = null;
      if (options.escalate) {
        for (;;) {
          const due = await store.dueForEscalation(clock.now(), 100);
          let applied = 0;
          for (const id of due) applied += await options.escalate(id);
          // A full page of steps that could not apply (their actions expiring as we sweep)
          // would be read again forever: stop, the next sweep sees them timed out.
          if (due.length < 100 || applied === 0) break;
        }
        nextEscalation = await store.nextEscalation();
      }
      const next = await store.nextExpiry();
      arm(Math.min(next ?? Number.POSITIVE_INFINITY, nextEscalation ?? Number.POSITIVE_INFINITY));
    } catch (error) {
      options.onError?.(error);
      arm(clock.now() + maxSleep);
    }
  };

  const sweep = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await runOnce();
      } while (again && !stopped);
      running = null;
    })();
    return running;
  };

  return {
    async start() {
      stopped = false;
      await sweep();
    },
    schedule(atMs) {
      arm(atMs);
    },
    sweep,
    async stop() {
      stopped = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      timerAt = Number.POSITIVE_INFINITY;
      await running;
    },
  };
}
