/**
 * @module progress
 * MCP progress for a `tools/call` that the gateway holds: while a human decides, the client
 * that asked for progress (a `progressToken` in the request's `_meta`) hears that the call is
 * waiting, at once and then every interval; afterwards the upstream's own progress is passed
 * on, counted on from there so the client's numbers keep increasing.
 */

import type { Progress } from "@modelcontextprotocol/sdk/types.js";
import type { Clock } from "@safeguards/core";

/** The token a client gave to hear progress of one request. */
export type ProgressToken = string | number;

/** Sends one `notifications/progress` to the client (the request's `extra.sendNotification`). */
export type SendProgress = (params: Progress & { progressToken: ProgressToken }) => Promise<void>;

/** Progress of one held call. */
export interface CallProgress {
  /** Starts telling the client that the call waits for a human (`message` says for what). */
  startWaiting(message: string): void;
  /** Stops the waiting notices. */
  stopWaiting(): void;
  /** Passes on one progress notification of the upstream, after the waiting notices. */
  forward(progress: Progress): void;
}

/** Progress for the request with `token` (undefined: the client did not ask, nothing is sent). */
export function callProgress(
  token: ProgressToken | undefined,
  send: SendProgress,
  options: { clock: Clock; intervalMs: number },
): CallProgress {
  let sent = 0;
  let timer: unknown;
  let waiting = false;
  const notify = (params: Progress) => {
    if (token === undefined) return;
    send({ ...params, progressToken: token }).catch(() => undefined);
  };
  const tick = (message: string) => {
    if (!waiting) return;
    sent += 1;
    notify({ progress: sent, message });
    timer = options.clock.setTimeout(() => tick(message), options.intervalMs);
  };
  return {
    startWaiting(message) {
      if (token === undefined || waiting) return;
      waiting = true;
      tick(message);
    },
    stopWaiting() {
      waiting = false;
      if (timer !== undefined) options.clock.clearTimeout(timer);
      timer = undefined;
    },
    forward(progress) {
      const shifted: Progress = { ...progress, progress: sent + progress.progress };
      if (progress.total !== undefined) shifted.total = sent + progress.total;
      notify(shifted);
    },
  };
}
