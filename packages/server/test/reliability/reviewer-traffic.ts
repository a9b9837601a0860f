/**
 * @module test/reliability/reviewer-traffic
 * What the inbox instances sent to reviewers, indexed as it arrives: the Slack messages
 * posted (by action id, with their `ts`), the `chat.update` calls (by `ts`), the calls to
 * each click's `response_url`, and the approval mails (by action id). The index reads only
 * the calls and mails that arrived since its last read, so many waiters stay cheap.
 */
import type { SlackCall, SunkMail } from "@safeguards/test-support";
import { SLACK_ACTION } from "../../src/slack/slack-message.js";
import { linkIn } from "../reviewer-net-helpers.js";
import { sleep } from "./reliability-env.js";
import type { ReviewerChannels } from "./reviewer-channels.js";

/** A posted Slack message. */
export interface PostedMessage {
  actionId: string;
  ts: string;
}

/** The index (see the module). */
export interface ReviewerTraffic {
  /** Reads what arrived since the last call. */
  refresh(): void;
  /** Messages posted per action id (more than one would be a duplicate post). */
  readonly posts: Map<string, PostedMessage[]>;
  /** `chat.update` bodies per message `ts`. */
  readonly updates: Map<string, SlackCall["body"][]>;
  /** Bodies sent to each `response_url` path (`/response/...`), in order. */
  readonly responses: Map<string, SlackCall["body"][]>;
  /** Approval mails per action id. */
  readonly mails: Map<string, SunkMail[]>;
  /** Waits (polling) until `found()` answers something, or `ms` passed (`undefined`). */
  waitFor<T>(found: () => T | undefined, ms: number): Promise<T | undefined>;
}

const push = <K, V>(map: Map<K, V[]>, key: K, value: V) =>
  void map.set(key, [...(map.get(key) ?? []), value]);

/** The id on a posted message's Approve button. */
function actionIdOf(body: SlackCall["body"]): string | undefined {
  for (const block of body?.blocks ?? []) {
    for (const element of block?.elements ?? []) {
      if (element?.action_id === SLACK_ACTION.APPROVE) return element.value;
    }
  }
  return undefined;
}

/** The action id of an approval mail (from its Review link). */
function mailActionId(mail: SunkMail): string {
  const review = new URL(linkIn(mail, "Review / modify"));
  return decodeURIComponent(review.pathname.split("/").pop() ?? "");
}

/** Indexes the traffic of `channels`. */
export function indexReviewerTraffic(channels: ReviewerChannels): ReviewerTraffic {
  const posts = new Map<string, PostedMessage[]>();
  const updates = new Map<string, SlackCall["body"][]>();
  const responses = new Map<string, SlackCall["body"][]>();
  const mails = new Map<string, SunkMail[]>();
  let calls = 0;
  let mailsRead = 0;
  const refresh = () => {
    const { slack, smtp } = channels;
    for (; calls < slack.calls.length; calls += 1) {
      const call = slack.calls[calls] as SlackCall;
      if (call.path === "/api/chat.postMessage" && call.ts) {
        const actionId = actionIdOf(call.body);
        if (actionId) push(posts, actionId, { actionId, ts: call.ts });
      } else if (call.path === "/api/chat.update") push(updates, call.body.ts, call.body);
      else if (call.path.startsWith("/response/")) push(responses, call.path, call.body);
    }
    for (; mailsRead < smtp.mails.length; mailsRead += 1) {
      const mail = smtp.mails[mailsRead] as SunkMail;
      push(mails, mailActionId(mail), mail);
    }
  };
  return {
    refresh,
    posts,
    updates,
    responses,
    mails,
    async waitFor(found, ms) {
      const end = Date.now() + ms;
      for (;;) {
        refresh();
        const value = found();
        if (value !== undefined || Date.now() > end) return value;
        await sleep(25);
      }
    },
  };
}
