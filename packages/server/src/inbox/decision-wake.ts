/**
 * @module inbox/decision-wake
 * The one wait-for-wake helper of the long poll (`long-poll.ts`) and the decision event
 * stream (`http/decisions-sse.ts`): subscribes to an agent's decision events before the
 * first read, so an event committed between a read and the next wait is never missed.
 */
import type { Clock } from "@safeguards/core";
import type { DecisionEvent, DecisionNotifier } from "./decision-notifier.js";

/** Why {@link DecisionWake.wait} returned. */
export type WakeReason = "event" | "timeout" | "interrupted";

/** A subscription to one agent's decision events that a reader waits on between reads. */
export interface DecisionWake {
  /**
   * Waits for a decision event received since the previous wait (returns at once when one
   * already came), for `ms`, or until `signal` aborts or {@link DecisionWake.interrupt}.
   */
  wait(ms: number, signal?: AbortSignal): Promise<WakeReason>;
  /** Ends a wait in progress, if any (as an abort would). */
  interrupt(): void;
  /** Unsubscribes. */
  close(): void;
}

/** Options of {@link subscribeDecisionWake}. */
export interface DecisionWakeOptions {
  notifier: DecisionNotifier;
  clock: Clock;
  agentId: string;
  /** Only events passing this filter (and resync events) wake the reader. */
  filter?: (event: DecisionEvent) => boolean;
}

/** Subscribes to the agent's decision events; call `close()` when done. */
export function subscribeDecisionWake(options: DecisionWakeOptions): DecisionWake {
  const { clock, filter } = options;
  let woken = false;
  let wake: ((reason: WakeReason) => void) | undefined;
  const unsubscribe = options.notifier.subscribe(options.agentId, (event) => {
    if (filter && !event.resync && !filter(event)) return;
    woken = true;
    wake?.("event");
  });
  return {
    async wait(ms, signal) {
      let reason: WakeReason = "event";
      if (!woken) {
        reason = await new Promise<WakeReason>((resolve) => {
          const timer = clock.setTimeout(() => finish("timeout"), ms);
          function finish(why: WakeReason) {
            clock.clearTimeout(timer);
            signal?.removeEventListener("abort", onAbort);
            wake = undefined;
            resolve(why);
          }
          const onAbort = () => finish("interrupted");
          wake = finish;
          signal?.addEventListener("abort", onAbort, { once: true });
        });
      }
      woken = false;
      return reason;
    },
    interrupt() {
      wake?.("interrupted");
    },
    close: unsubscribe,
  };
}
