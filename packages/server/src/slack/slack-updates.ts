/**
 * @module slack/slack-updates
 * Replacing each action's Slack message with its outcome, once, whichever inbox instance
 * posted it and whichever one heard the decision. The message's channel and `ts` are kept
 * in the store ({@link SlackMessageStore}); taking them from the store is the claim, so of
 * the instances hearing a decision exactly one calls `chat.update`.
 *
 * - Posting saves the message, then reads the action: one decided while the message was
 *   being posted (its decision found nothing to claim) is updated at once.
 * - A decision made from a Slack button claims the message before deciding: its
 *   `response_url` replaces the message, so no instance calls `chat.update` for it. When
 *   nothing was decided (no right to, a modification needed, ...), the claim is given back.
 * - At most once: an instance that dies after its claim and before `chat.update` leaves the
 *   message with its buttons. Pressing one then decides nothing and replaces the message
 *   with the outcome (through `response_url`), and the web inbox shows the truth; claiming
 *   with a lease and retrying could update a message twice, for no gain in safety.
 */
import type { Clock, protocol } from "@safeguards/core";
import type { StoredRecord } from "../store/action-store.js";
import type { SlackMessageStore } from "../store/slack-message-store.js";
import type { SlackApi, SlackMessageRef } from "./slack-api.js";
import { outcomeMessage } from "./slack-message.js";

/** How long after its action's deadline a message entry is kept before it is purged (ms). */
export const SLACK_MESSAGE_KEEP_MS = 24 * 60 * 60 * 1000;

/** The updates of posted Slack messages. */
export interface SlackUpdates {
  /** Remembers a message just posted; updates it at once if its action was decided meanwhile. */
  posted(record: StoredRecord, ref: SlackMessageRef): Promise<void>;
  /** Replaces the message of a decided action with its outcome, if this call claims it. */
  settle(record: StoredRecord): Promise<void>;
  /**
   * Replaces the message of a pending action with `message` (its approvals, assignees,
   * escalations) while holding its claim, then gives the claim back (settling it if the action
   * was decided meanwhile). Answers `false` when no message was there to claim.
   */
  refresh(record: StoredRecord, message: object): Promise<boolean>;
  /**
   * Claims the message of an action about to be decided from Slack; answers the release to
   * call when nothing was decided. Never throws.
   */
  claimForSlack(actionId: string): Promise<() => Promise<void>>;
}

/** What {@link createSlackUpdates} needs. */
export interface SlackUpdatesDeps {
  api: Pick<SlackApi, "update">;
  messages: SlackMessageStore;
  /** The current record of an action (`undefined` when there is none). */
  read: (id: string) => Promise<StoredRecord | undefined>;
  clock: Clock;
  onError: (error: unknown) => void;
}

/** Creates the {@link SlackUpdates}. */
export function createSlackUpdates(deps: SlackUpdatesDeps): SlackUpdates {
  const settle = async (record: StoredRecord) => {
    if (record.status === "pending") return;
    const entry = await deps.messages.take(record.id);
    if (entry) await deps.api.update(entry, outcomeMessage(record as protocol.ActionRecord));
  };
  /** Settles the action if it is no longer pending (its decision may have found nothing). */
  const settleIfDecided = async (id: string) => {
    const current = await deps.read(id);
    if (current) await settle(current);
  };
  return {
    settle,
    async refresh(record, message) {
      const entry = await deps.messages.take(record.id);
      if (!entry) return false;
      try {
        await deps.api.update(entry, message);
      } finally {
        await deps.messages.save(record.id, entry);
        await settleIfDecided(record.id);
      }
      return true;
    },
    async posted(record, ref) {
      const expiresAtMs = Date.parse(record.expires_at) + SLACK_MESSAGE_KEEP_MS;
      await deps.messages.save(record.id, { channel: ref.channel, ts: ref.ts, expiresAtMs });
      await settleIfDecided(record.id);
      // Entries nobody took (their decision was never heard) go a day after their deadline.
      await deps.messages.purgeExpired(deps.clock.now()).catch(deps.onError);
    },
    async claimForSlack(actionId) {
      // A store that cannot answer must not stop the decision (at worst the message is then
      // also updated with chat.update, with the same outcome).
      const entry = await deps.messages.take(actionId).catch((error: unknown) => {
        deps.onError(error);
        return undefined;
      });
      return async () => {
        if (!entry) return;
        await deps.messages.save(actionId, entry);
        await settleIfDecided(actionId);
      };
    },
  };
}
