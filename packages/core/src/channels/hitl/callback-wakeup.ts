/**
 * @module hitl/callback-wakeup
 * What a verified callback does (DESIGN.md invariant 10, "the inbox is the truth"): it names
 * an action and nothing more. For an action the channel waits for, the record is read from
 * the inbox with the channel's own key (`GET /actions/{id}`) and a final one is handed to
 * the same `onRecord` as the decision stream's records; the callback's body is never used.
 * A callback for an id the channel does not wait for, or one the inbox does not back (still
 * pending, 404), changes nothing. A failed read is left to the decision stream, which keeps
 * waiting for every pending action anyway. At most one read per action is in flight; a
 * callback arriving meanwhile makes it read once more afterwards.
 */
import { ErrorCode, isSafeguardsError } from "../../errors.js";
import * as protocol from "../../protocol/index.js";
import type { CallbackStats } from "./callback-receiver.js";
import type { InboxClient } from "./inbox-client.js";

/** Options of {@link createCallbackWakeup}. */
export interface CallbackWakeupOptions {
  client: InboxClient;
  /** True for an action the channel waits for. */
  waitingFor: (actionId: string) => boolean;
  /** Receives a final record read from the inbox. */
  onRecord: (record: protocol.ActionRecord) => void;
  /** Counters to update (`settled`, `ignored`, `readFailures`). */
  stats: CallbackStats;
  /** Told about failed reads (the decision stream still delivers). */
  onError?: (error: unknown) => void;
}

/** Creates the function the callback receiver calls with each verified callback's action id. */
export function createCallbackWakeup(options: CallbackWakeupOptions): (actionId: string) => void {
  const { client, stats } = options;
  /** Ids being read -> whether to read again when the read ends. */
  const reading = new Map<string, boolean>();

  const readOnce = async (actionId: string): Promise<void> => {
    try {
      const record = await client.call(
        { method: "GET", path: `/actions/${encodeURIComponent(actionId)}`, retry: false },
        protocol.actionRecordSchema,
      );
      if (record.id === actionId && record.decision && options.waitingFor(actionId)) {
        stats.settled += 1;
        options.onRecord(record);
      } else stats.ignored += 1;
    } catch (error) {
      if (isSafeguardsError(error, ErrorCode.NOT_FOUND)) stats.ignored += 1;
      else if (!isSafeguardsError(error, ErrorCode.SHUT_DOWN)) {
        stats.readFailures += 1;
        options.onError?.(error);
      }
    }
  };

  const read = async (actionId: string): Promise<void> => {
    do {
      reading.set(actionId, false);
      await readOnce(actionId);
    } while (reading.get(actionId) && options.waitingFor(actionId));
    reading.delete(actionId);
  };

  return (actionId) => {
    if (!options.waitingFor(actionId)) {
      stats.ignored += 1;
      return;
    }
    if (reading.has(actionId)) {
      reading.set(actionId, true);
      return;
    }
    void read(actionId);
  };
}
