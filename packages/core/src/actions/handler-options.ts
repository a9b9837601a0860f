/**
 * @module handler-options
 * The options of a {@link HumanActionHandler} and of its waits, and where an error it
 * reports happened.
 */
import type { Clock } from "../util/clock.js";
import type { HumanActionHandler } from "./human-action-handler.js";

/** Where an error reported to {@link HumanActionHandlerOptions.onError} happened. */
export interface HandlerErrorContext {
  actionId: string;
  phase: "callback" | "decision" | "expire";
}

/** Options of {@link HumanActionHandler}. */
export interface HumanActionHandlerOptions {
  /**
   * Default timeout of every action, in seconds.
   * @default the channel's `defaultTimeoutSeconds` (read at each request), else 300
   */
  timeoutSeconds?: number;
  /** Source of time and timers; inject a manual clock in tests. @default systemClock */
  clock?: Clock;
  /** How long to wait for the channel to confirm an expiry before timing out locally. @default 5 */
  expiryGraceSeconds?: number;
  /** Receives errors from callbacks, invalid decisions and expiry. @default console.error */
  onError?: (error: unknown, context: HandlerErrorContext) => void;
  /** How many finished actions `getAction` remembers. @default 10000 */
  maxFinishedActions?: number;
}

/** Options of {@link HumanActionHandler.waitForAction}. */
export interface WaitOptions {
  /** Aborting ends the wait (rejects with code SAFEGUARDS_ABORTED) without deciding the action. */
  signal?: AbortSignal;
}
