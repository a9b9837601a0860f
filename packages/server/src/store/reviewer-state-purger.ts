/**
 * @module store/reviewer-state-purger
 * Purges the expired entries of the reviewer state on a schedule of the inbox's clock: once
 * at start, then every `intervalMs`. Each instance sharing a database purges; the deletes
 * are idempotent, so it does not matter which one comes first.
 */
import type { Clock } from "@safeguards/core";
import type { ReviewerStateStore } from "./reviewer-state.js";

/** Options of {@link createReviewerStatePurger}. */
export interface ReviewerStatePurgerOptions {
  state: ReviewerStateStore;
  clock: Clock;
  /** Time between two purges (ms). @default 600000 (10 minutes) */
  intervalMs?: number;
  /** Receives purge failures (the next purge runs on schedule anyway). */
  onError: (error: unknown) => void;
}

/** The purge schedule. */
export interface ReviewerStatePurger {
  /** Purges now and schedules the next purges. */
  start(): Promise<void>;
  /** Stops the schedule and waits for a running purge. */
  stop(): Promise<void>;
}

/** Creates a {@link ReviewerStatePurger}. */
export function createReviewerStatePurger(
  options: ReviewerStatePurgerOptions,
): ReviewerStatePurger {
  const { state, clock, onError } = options;
  const intervalMs = options.intervalMs ?? 600_000;
  let timer: unknown;
  let stopped = true;
  let running: Promise<void> = Promise.resolve();
  const purge = () => {
    running = state.purge(clock.now()).then(() => {}, onError);
    return running;
  };
  const schedule = () => {
    if (stopped) return;
    timer = clock.setTimeout(() => {
      timer = undefined;
      void purge().then(schedule);
    }, intervalMs);
  };
  return {
    async start() {
      if (!stopped) return;
      stopped = false;
      await purge();
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
