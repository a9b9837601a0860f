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
 * - A click's claim, and an escalation's, that find no message while the action is pending
 *   wait for it (`heldWaitMs`, polling): the message is being saved (a click right after
 *   `chat.postMessage` answered) or another claim holds it for a moment (another instance's
 *   refresh, a click being decided). So a click never decides unclaimed while the poster is
 *   about to save, and an escalation updates the message instead of posting a second one.
 *   An approval's count refresh does not wait: one that finds the message held (by the click
 *   that made the approval, which shows the count itself) does nothing.
 * - At most once: an instance that dies after its claim and before `chat.update` leaves the
 *   message with its buttons. Pressing one then decides nothing and replaces the message
 *   with the outcome (through `response_url`), and the web inbox shows the truth; claiming
 *   with a lease and retrying could update a message twice, for no gain in safety.
 */
import { setTimeout as sleep } from "node:timers/promises";
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
   * Replaces the message of a pending action with `messageOf(record)` for its current record
   * (read once the claim is held: its approvals, assignees, escalations), then gives the claim
   * back (settling it if the action was decided meanwhile). Answers `false` when no message
   * was there to claim (with `wait`: none came within `heldWaitMs`, or the action stopped
   * being pending while waiting).
   */
  refresh(
    actionId: string,
    messageOf: (record: StoredRecord) => object,
    options: { wait: boolean },
  ): Promise<boolean>;
  /**
   * Claims the message of an action about to be decided from Slack (waiting as above);
   * answers the release to call when nothing was decided. Never throws.
   */
  claimForSlack(actionId: string): Promise<() => Promise<void>>;
}

/** How often a claim looks again for a message held or not saved yet (ms). */
const HELD_RETRY_MS = 100;

/** What {@link createSlackUpdates} needs. */
export interface SlackUpdatesDeps {
  api: Pick<SlackApi, "update">;
  messages: SlackMessageStore;
  /** The current record of an action (`undefined` when there is none). */
  read: (id: string) => Promise<StoredRecord | undefined>;
  clock: Clock;
  onError: (error: unknown) => void;
  /**
   * How long a claim waits for a pending action's message that is not there (being saved,
   * or held by another claim), ms; 0 for messages that are never stored (webhooks).
   */
  heldWaitMs: number;
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
  /**
   * Takes the action's message, waiting up to `heldWaitMs` while the action is pending and
   * the message is not there (being saved, or held by another claim).
   */
  const take = async (id: string, waitMs = deps.heldWaitMs) => {
    const giveUpAt = performance.now() + waitMs;
    for (;;) {
      const entry = await deps.messages.take(id);
      if (entry || performance.now() >= giveUpAt) return entry;
      await sleep(HELD_RETRY_MS);
      if ((await deps.read(id))?.status !== "pending") return undefined;
    }
  };
  return {
    settle,
    async refresh(actionId, messageOf, options) {
      const entry = await take(actionId, options.wait ? deps.heldWaitMs : 0);
      if (!entry) return false;
      try {
        const current = await deps.read(actionId);
        // Decided meanwhile: the claim given back below settles the message with the outcome.
        if (current?.status === "pending") await deps.api.update(entry, messageOf(current));
      } finally {
        await deps.messages.save(actionId, entry);
        await settleIfDecided(actionId);
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
      const entry = await take(actionId).catch((error: unknown) => {
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
