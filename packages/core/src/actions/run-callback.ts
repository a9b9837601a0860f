/**
 * @module run-callback
 * Runs one action callback on its own microtask: sync or async, a throw or a rejection is
 * reported and never reaches the other callbacks or the caller.
 */
import type { ActionCallback } from "./build-request.js";
import type { HumanAction } from "./human-action.js";

/** Calls `callback(action)` after the current task; errors go to `report`. */
export function runCallback(
  callback: ActionCallback,
  action: HumanAction,
  report: (error: unknown) => void,
): void {
  queueMicrotask(() => {
    try {
      const result = callback(action);
      if (result && typeof (result as Promise<void>).then === "function") {
        (result as Promise<void>).then(undefined, report);
      }
    } catch (error) {
      report(error);
    }
  });
}
