/**
 * @module hitl/timeout-reporter
 * Tells the inbox, once it can be reached, that the handler gave up waiting on its own
 * deadline (`POST /actions/{id}/agent-timeout`, PROTOCOL.md extensions), so the record and
 * the audit show that the agent did not act on whatever the inbox recorded meanwhile.
 * Reports are retried with backoff while the inbox is unreachable or the action is still
 * pending there (its own expiry or a reviewer settles it soon); any other answer ends the
 * report (an inbox without the endpoint answers 404). At most {@link MAX_QUEUED} wait.
 */
import { ChannelDeliveryError, ErrorCode, isSafeguardsError } from "../../errors.js";
import * as protocol from "../../protocol/index.js";
import { backoffDelay, type Sleep } from "./backoff.js";
import type { InboxClient } from "./inbox-client.js";

/** Most reports waiting at once; a newer one pushes out the oldest (reported to `onError`). */
export const MAX_QUEUED = 10_000;

/** Options of {@link createTimeoutReporter}. */
export interface TimeoutReporterOptions {
  client: InboxClient;
  sleep: Sleep;
  /** First delay between rounds of retries (ms). */
  backoffMs: number;
  random?: (() => number) | undefined;
  /** Receives reports dropped or refused for an unexpected reason. */
  onError: (error: unknown) => void;
}

/** Reports local timeouts to the inbox. */
export interface TimeoutReporter {
  /** Queues the report that the handler timed out locally on `actionId` at `timedOutAt`. */
  report(actionId: string, timedOutAt: Date): void;
  /** Reports not yet answered. */
  readonly queued: number;
  /** Resolves when no report is queued. */
  idle(): Promise<void>;
  /** Stops retrying (queued reports are dropped). */
  close(): void;
}

type Outcome = "done" | "later";

/** Creates a {@link TimeoutReporter}. */
export function createTimeoutReporter(options: TimeoutReporterOptions): TimeoutReporter {
  const queue = new Map<string, string>();
  const closed = new AbortController();
  let running = false;
  const idleWaiters: Array<() => void> = [];

  const attempt = async (actionId: string, timedOutAt: string): Promise<Outcome> => {
    try {
      await options.client.call(
        {
          method: "POST",
          path: `/actions/${encodeURIComponent(actionId)}/agent-timeout`,
          body: { timed_out_at: timedOutAt },
          messageId: `timeout_${actionId}`,
          signal: closed.signal,
        },
        protocol.actionRecordSchema,
      );
      return "done";
    } catch (error) {
      if (error instanceof ChannelDeliveryError || isSafeguardsError(error, ErrorCode.SHUT_DOWN))
        return "later";
      const code = isSafeguardsError(error)
        ? (error.details as { code?: string } | undefined)?.code
        : undefined;
      if (code === protocol.WireErrorCode.STILL_PENDING) return "later";
      // not_found: unknown there (or an inbox without the endpoint); conflict: already told.
      if (code !== protocol.WireErrorCode.NOT_FOUND && code !== protocol.WireErrorCode.CONFLICT)
        options.onError(error);
      return "done";
    }
  };

  const run = async () => {
    running = true;
    for (let round = 1; queue.size > 0 && !closed.signal.aborted; ) {
      let retry = false;
      for (const [actionId, timedOutAt] of [...queue]) {
        if (closed.signal.aborted) break;
        if ((await attempt(actionId, timedOutAt)) === "later") retry = true;
        else if (queue.get(actionId) === timedOutAt) queue.delete(actionId);
      }
      if (!retry) continue;
      const delay = backoffDelay(round, {
        baseMs: options.backoffMs,
        maxMs: 30_000,
        random: options.random,
      });
      round += 1;
      await options.sleep(delay, closed.signal);
    }
    running = false;
    for (const resolve of idleWaiters.splice(0)) resolve();
  };

  return {
    report(actionId, timedOutAt) {
      if (closed.signal.aborted) return;
      if (!queue.has(actionId) && queue.size >= MAX_QUEUED) {
        const [oldest] = queue.keys();
        if (oldest !== undefined) queue.delete(oldest);
        options.onError(
          new Error(`too many local timeouts to report; dropped the report of ${oldest}`),
        );
      }
      queue.set(actionId, timedOutAt.toISOString());
      if (!running) void run();
    },
    get queued() {
      return queue.size;
    },
    idle() {
      return queue.size === 0 && !running
        ? Promise.resolve()
        : new Promise((resolve) => idleWaiters.push(resolve));
    },
    close() {
      closed.abort();
      queue.clear();
      for (const resolve of idleWaiters.splice(0)) resolve();
    },
  };
}
