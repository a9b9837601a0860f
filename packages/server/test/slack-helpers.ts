/**
 * @module test/slack-helpers
 * Slack approvals under test: an inbox posting to the local Slack double (bot token or
 * incoming webhook), and button clicks sent as Slack sends them (form-encoded `payload`,
 * signed with the signing secret).
 */
import { createManualClock } from "@safeguards/core";
import { freePort, type SlackDouble, startSlackDouble } from "@safeguards/test-support";
import type { ReviewersOptions } from "../src/create-reviewers.js";
import { slackSignature } from "../src/slack/slack-signature.js";
import { startReviewerInbox } from "./ui-helpers.js";

/** The signing secret of Slack's documented example. */
export const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

/** Starts the Slack double and an inbox posting to it; `reviewers` adds reviewer options. */
export async function startSlackInbox(
  mode: "bot" | "webhook" = "bot",
  reviewers: Partial<ReviewersOptions> = {},
) {
  const slack: SlackDouble = await startSlackDouble();
  const clock = createManualClock(Date.parse("2026-11-29T12:00:00Z"));
  const port = await freePort();
  const started = await startReviewerInbox(
    {
      publicUrl: `http://127.0.0.1:${port}`,
      slack:
        mode === "bot"
          ? {
              signingSecret: SIGNING_SECRET,
              botToken: "xoxb-test-token",
              channel: "C123",
              apiUrl: `${slack.url}/api`,
            }
          : { signingSecret: SIGNING_SECRET, webhookUrl: `${slack.url}/webhook` },
      ...reviewers,
    },
    { clock },
    port,
  );
  return { ...started, clock, slack };
}

/** Sends a button click as Slack would (form-encoded `payload`, signed). */
export async function click(
  root: string,
  clock: { now(): number },
  options: { user: string; actionId: string; id: string; responseUrl: string },
  tamper: { timestamp?: number; signature?: string } = {},
) {
  const payload = {
    type: "block_actions",
    user: { id: options.user },
    response_url: options.responseUrl,
    actions: [{ action_id: options.actionId, value: options.id }],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const ts = String(tamper.timestamp ?? Math.floor(clock.now() / 1000));
  return fetch(`${root}/slack/interactions`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": ts,
      "x-slack-signature": tamper.signature ?? slackSignature(SIGNING_SECRET, ts, body),
    },
    body,
  });
}
