/**
 * @module slack/slack-approvals
 * Slack approvals: posts each new action (bot token + channel, or an incoming webhook) with
 * Approve / Reject buttons and a "Review / modify" link; `POST /slack/interactions`
 * verifies Slack's signature and timestamp before parsing, answers 200 at once, maps the
 * Slack user to a reviewer (unknown users are refused), decides through the reviewer gate,
 * and replaces the buttons with the outcome (via `response_url`). Decisions made elsewhere
 * update the posted message with `chat.update`, and so does an escalation step (the message
 * then says who it went to; without a message to update, a new one is posted).
 */
import { type Clock, InvalidConfigError, type protocol } from "@safeguards/core";
import type { Hono } from "hono";
import type { ReviewerDirectory } from "../auth/reviewer-directory.js";
import type { ReviewerGate } from "../auth/reviewer-gate.js";
import type { InboxEvents } from "../inbox/inbox-events.js";
import { createSlackApi, type SlackMessageRef } from "./slack-api.js";
import { mountSlackInteractions } from "./slack-interactions.js";
import { outcomeMessage, requestMessage } from "./slack-message.js";

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
  events: Pick<InboxEvents, "on">;
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
  const posted = new Map<string, Promise<SlackMessageRef | undefined>>();
  /** Actions being decided from Slack (their message is updated via response_url). */
  const fromSlack = new Set<string>();
  const inFlight = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    const p = work.catch(deps.onError).finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  const reviewUrl = (id: string) => `${deps.publicUrl}/review/${encodeURIComponent(id)}`;

  /** Posts the request message of `action` (and remembers it for later updates). */
  const post = (action: protocol.ActionRecord) => {
    const message = requestMessage(action, reviewUrl(action.id));
    if (options.botToken && options.channel) {
      const ref = api.postMessage(options.channel, message);
      posted.set(
        action.id,
        ref.catch(() => undefined),
      );
      track(ref);
    } else if (options.webhookUrl) {
      track(api.postTo(options.webhookUrl, message));
    }
  };
  const offCreated = deps.events.on("action.created", ({ action }) => post(action));
  /**
   * Replaces the posted message of a pending action (its count, assignees, escalations).
   * Updates of one message are chained, so a later one (e.g. the outcome) always lands last.
   */
  const refresh = (action: protocol.ActionRecord) => {
    const ref = posted.get(action.id);
    if (!ref) return false;
    const updated = ref.then(async (r) => {
      if (r) await api.update(r, requestMessage(action, reviewUrl(action.id))).catch(deps.onError);
      return r;
    });
    posted.set(action.id, updated);
    track(updated);
    return true;
  };
  // An escalation step says who it went to: the posted message is updated (assignees and
  // the step); without one (a webhook, or posted by another instance) a new one is posted.
  const offEscalated = deps.events.on("action.escalated", ({ action }) => {
    if (!refresh(action)) post(action);
  });
  // An approval made elsewhere (web, email, API) updates the count; Slack's own clicks
  // replace the message through response_url, and escalations are handled above.
  const offUpdated = deps.events.on("action.updated", ({ action, actor }) => {
    if (!fromSlack.has(action.id) && actor.startsWith("reviewer:")) refresh(action);
  });
  const offDecided = deps.events.on("action.decided", ({ action }) => {
    const viaSlack = fromSlack.delete(action.id); // then updated through response_url
    const ref = posted.get(action.id);
    posted.delete(action.id);
    if (!ref || viaSlack) return;
    track(
      ref.then((r: SlackMessageRef | undefined) =>
        r ? api.update(r, outcomeMessage(action as protocol.ActionRecord)) : undefined,
      ),
    );
  });

  mountSlackInteractions(app, {
    ...deps,
    signingSecret: options.signingSecret,
    api,
    fromSlack,
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
