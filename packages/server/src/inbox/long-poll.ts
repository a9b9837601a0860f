/**
 * @module inbox/long-poll
 * Holds an answer until a decision event for the agent arrives or the wait runs out
 * (waiting through `decision-wake.ts`, shared with the event stream).
 */
import type { Clock } from "@safeguards/core";
import type { DecisionEvent, DecisionNotifier } from "./decision-notifier.js";
import { subscribeDecisionWake } from "./decision-wake.js";

/** Options of {@link longPoll}. */
export interface LongPollOptions<T> {
  notifier: DecisionNotifier;
  clock: Clock;
  agentId: string;
  /** How long to hold the answer (ms); 0 answers at once. */
  waitMs: number;
  /** Reads the current answer. */
  read: () => Promise<T>;
  /** True when the answer need not wait any longer. */
  ready: (value: T) => boolean;
  /** Only events passing this filter wake the poll. */
  filter?: (event: DecisionEvent) => boolean;
  /** Ends the wait early (client gone, inbox closing). */
  signal?: AbortSignal;
}

/** Reads, waits for a matching decision event (or the deadline), reads again. */
export async function longPoll<T>(options: LongPollOptions<T>): Promise<T> {
  const { clock, signal } = options;
  const deadline = clock.now() + options.waitMs;
  const wake = subscribeDecisionWake(options);
  try {
    for (;;) {
      const value = await options.read();
      if (options.ready(value) || clock.now() >= deadline || signal?.aborted) return value;
      await wake.wait(deadline - clock.now(), signal);
    }
  } finally {
    wake.close();
  }
}
