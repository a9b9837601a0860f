/**
 * @module slack/slack-approvals
 * Slack approvals: posts each new action (bot token + channel, or an incoming webhook) with
 * Approve / Reject buttons and a "Review / modify" link; `POST /slack/interactions`
 * verifies Slack's signature and timestamp before parsing, answers 200 at once, maps the
 * Slack user to a reviewer (unknown users are refused), decides through the reviewer gate,
 * and replaces the buttons with the outcome (via `response_url`). Decisions made elsewhere,
 * through this instance or another one sharing the database, update the posted message
 * with `chat.update`, once (`slack-updates.ts`), and so do approvals and escalation steps
 * (the message then shows the count and who it went to; without a message to update, an
 * escalation posts a new one). A message held for a moment (being saved, or claimed by
 * another instance) is waited for (`slack-updates.ts`).
 */
import { type Clock, InvalidConfigError, type protocol } from "@safeguards/core";
import type { Hono } from "hono";
import type { ReviewerDirectory } from "../auth/reviewer-directory.js";
import type { ReviewerGate } from "../auth/reviewer-gate.js";
import type { ActionFeed } from "../inbox/action-feed.js";
import type { InboxEvents } from "../inbox/inbox-events.js";
import type { StoredRecord } from "../store/action-store.js";
import type { SlackMessageStore } from "../store/slack-message-store.js";
import { createSlackApi, DEFAULT_SLACK_TIMEOUT_MS } from "./slack-api.js";
import { mountSlackInteractions } from "./slack-interactions.js";
import { requestMessage } from "./slack-message.js";
import { createSlackUpdates } from "./slack-updates.js";

/** Options of Slack approvals (`reviewers.slack`). */
export interface SlackApprovalOptions {
  /** The Slack app's signing secret (verifies interaction requests). */
  signingSecret: string;
  /** Bot token (`xoxb-...`) for `chat.postMessage` / `chat.update`; needs `channel`. */
  botToken?: string;
  /** Channel id to post to (with `botToken`). */
  channel?: string;
  /** Incoming webhook URL (instead of a bot token; messages then update only via `response_url`). */
  webhookUrl?: string;
  /** Web API base URL. @default "https://slack.com/api" */
  apiUrl?: string;
  /** Timeout of each call to Slack (ms). @default 10000 */
  timeoutMs?: number;
}

/** What Slack approvals need from the reviewer side. */
export interface SlackApprovalDeps {
  base: string;
  publicUrl: string;
  gate: ReviewerGate;
  directory: ReviewerDirectory;
  /** This instance's events (a new action is posted by the instance that filed it). */
  events: Pick<InboxEvents, "on">;
  /** Every instance's changes (a decision through any of them updates the message). */
  feed: ActionFeed;
  /** Where posted messages are kept (the inbox's store). */
  messages: SlackMessageStore;
  /** The current record of an action. */
  read: (id: string) => Promise<StoredRecord | undefined>;
  clock: Clock;
  onError: (error: unknown) => void;
}

/** Attaches the Slack notifier and mounts `/slack/interactions`; answers a closer. */
export function mountSlackApprovals(
  app: Hono,
  options: SlackApprovalOptions,
  deps: SlackApprovalDeps,
): { close(): Promise<void>; idle(): Promise<void> } {
  if (!options?.signingSecret) throw new InvalidConfigError("reviewers.slack needs signingSecret");
  if (!(options.botToken && options.channel) && !options.webhookUrl) {
    throw new InvalidConfigError("reviewers.slack needs botToken and channel, or webhookUrl");
  }
  const api = createSlackApi({
    ...(options.botToken ? { botToken: options.botToken } : {}),
    ...(options.apiUrl ? { apiUrl: options.apiUrl } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  const botChannel = options.botToken && options.channel;
  // Only bot messages are stored; a claim waits for one held elsewhere at most one Slack call.
  const heldWaitMs = botChannel ? (options.timeoutMs ?? DEFAULT_SLACK_TIMEOUT_MS) + 1000 : 0;
  const updates = createSlackUpdates({ api, ...deps, heldWaitMs });
  const inFlight = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    const p = work.catch(deps.onError).finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  const reviewUrl = (id: string) => `${deps.publicUrl}/review/${encodeURIComponent(id)}`;

  /** Posts the request message of `action` (kept in the store for later updates). */
  const post = (action: protocol.ActionRecord) => {
    const message = requestMessage(action, reviewUrl(action.id));
    if (botChannel) {
      track(api.postMessage(botChannel, message).then((ref) => updates.posted(action, ref)));
    } else if (options.webhookUrl) {
      track(api.postTo(options.webhookUrl, message));
    }
  };
  const offCreated = deps.events.on("action.created", ({ action }) => post(action));
  /** Each action's refreshes on this instance, run one after the other (they claim its message). */
  const turns = new Map<string, Promise<boolean>>();
  /**
   * Replaces the posted message of a pending action (its count, assignees, escalations); this
   * instance's refreshes of one action run in turn, so none finds the message claimed by another.
   */
  const refresh = (actionId: string, wait: boolean): Promise<boolean> => {
    if (!botChannel) return Promise.resolve(false);
    const messageOf = (record: StoredRecord) =>
      requestMessage(record as protocol.ActionRecord, reviewUrl(actionId));
    const next = (turns.get(actionId) ?? Promise.resolve(false))
      .catch(() => false)
      .then(() => updates.refresh(actionId, messageOf, { wait }));
    turns.set(actionId, next);
    const forget = () => {
      if (turns.get(actionId) === next) turns.delete(actionId);
    };
    next.then(forget, forget);
    return next;
  };
  // An escalation step says who it went to: the posted message is updated (assignees and the
  // step; a message held for a moment elsewhere is waited for). Without one (a webhook, or
  // none stored) a new one is posted, unless the action was decided meanwhile.
  const escalated = async (action: protocol.ActionRecord) => {
    if (await refresh(action.id, true)) return;
    const current = botChannel ? await deps.read(action.id) : action;
    if (current?.status === "pending") post(current as protocol.ActionRecord);
  };
  const offEscalated = deps.events.on("action.escalated", ({ action }) => {
    track(escalated(action));
  });
  // An approval made elsewhere (web, email, API) updates the count; Slack's own clicks
  // replace the message through response_url, and escalations are handled above.
  const offUpdated = deps.events.on("action.updated", ({ action, actor }) => {
    // (A Slack click holds the message's claim while it decides, so this finds nothing then.)
    if (actor.startsWith("reviewer:")) track(refresh(action.id, false));
  });
  // A webhook's messages cannot be updated (no ts): only bot messages are kept and updated.
  const offDecided = botChannel
    ? deps.feed.on((event) => {
        if (event.type === "decided") track(updates.settle(event.record));
      })
    : () => {};

  mountSlackInteractions(app, {
    ...deps,
    signingSecret: options.signingSecret,
    api,
    claim: updates.claimForSlack,
    track,
    reviewUrl,
  });
  const idle = async () => {
    while (inFlight.size) await Promise.allSettled([...inFlight]);
  };
  return {
    idle,
    async close() {
      offCreated();
      offEscalated();
      offUpdated();
      offDecided();
      await idle();
    },
  };
}
