/**
 * @module waiters
 * The promises handed out by `waitForAction`: resolved with the final status, rejected on
 * shutdown, or ended early by an AbortSignal without deciding anything.
 */
import { ErrorCode, SafeguardsError } from "../errors.js";
import type { ActionStatus } from "./action-status.js";

/** One pending `waitForAction` call. */
export interface Waiter {
  resolve(status: ActionStatus): void;
  reject(error: unknown): void;
}

/**
 * Adds a waiter for action `id` to `waiters` and returns its promise. Aborting `signal`
 * removes the waiter and rejects with SAFEGUARDS_ABORTED; the action stays as it is.
 */
export function addWaiter(
  waiters: Set<Waiter>,
  id: string,
  signal: AbortSignal | undefined,
): Promise<ActionStatus> {
  return new Promise<ActionStatus>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(id, signal));
      return;
    }
    const onAbort = () => {
      waiters.delete(waiter);
      reject(abortError(id, signal!));
    };
    const waiter: Waiter = {
      resolve(status) {
        signal?.removeEventListener("abort", onAbort);
        resolve(status);
      },
      reject(error) {
        signal?.removeEventListener("abort", onAbort);
        reject(error);
      },
    };
    waiters.add(waiter);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function abortError(id: string, signal: AbortSignal): SafeguardsError {
  return new SafeguardsError(
    ErrorCode.ABORTED,
    `Wait for action ${id} was aborted; the action is still pending`,
    { cause: signal.reason },
  );
}
