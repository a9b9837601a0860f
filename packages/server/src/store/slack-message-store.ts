/**
 * @module store/slack-message-store
 * Where the Slack message of each action was posted (channel + `ts`), kept in the inbox's
 * database so that any instance sharing it can update the message with `chat.update` once
 * the action is decided, whichever instance posted it. {@link SlackMessageStore.take} is the
 * claim: it answers the message and forgets it in one atomic step, so of all the instances
 * hearing a decision exactly one updates the message. Entries carry an expiry (after the
 * action's own deadline) and are purged once past it, so nothing grows without bound. The
 * memory implementation here serves the memory store (one process); the SQLite and
 * PostgreSQL ones live next to their stores and use their connections.
 */

/** A posted Slack message and until when it is worth remembering. */
export interface SlackMessageEntry {
  /** Channel id Slack answered `chat.postMessage` with. */
  channel: string;
  /** The message's timestamp (its id within the channel). */
  ts: string;
  /** When the entry may be purged (ms since the epoch). */
  expiresAtMs: number;
}

/** The Slack messages of actions not yet updated with their outcome. */
export interface SlackMessageStore {
  /** Remembers (or replaces) the message of `actionId`. */
  save(actionId: string, entry: SlackMessageEntry): Promise<void>;
  /**
   * Answers the message of `actionId` and forgets it, atomically: of any number of callers
   * (in any process sharing the database) at most one gets it.
   */
  take(actionId: string): Promise<SlackMessageEntry | undefined>;
  /** Forgets entries whose `expiresAtMs` is before `nowMs`; answers how many. */
  purgeExpired(nowMs: number): Promise<number>;
}

/** Creates a {@link SlackMessageStore} in process memory (one inbox process). */
export function createMemorySlackMessages(): SlackMessageStore {
  const entries = new Map<string, SlackMessageEntry>();
  return {
    async save(actionId, entry) {
      entries.set(actionId, { ...entry });
    },
    async take(actionId) {
      const entry = entries.get(actionId);
      entries.delete(actionId);
      return entry;
    },
    async purgeExpired(nowMs) {
      let purged = 0;
      for (const [id, entry] of entries) {
        if (entry.expiresAtMs < nowMs) {
          entries.delete(id);
          purged += 1;
        }
      }
      return purged;
    },
  };
}
