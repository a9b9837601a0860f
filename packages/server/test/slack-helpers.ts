/**
 * @module test/slack-helpers
 * Slack approvals under test: an inbox posting to the local Slack double (bot token or
 * incoming webhook), and button clicks sent as Slack sends them (form-encoded `payload`,
 * signed with the signing secret).
 */
import { createManualClock } from "@safeguards/core";
import { freePort, type SlackDouble, startSlackDouble } from "@safeguards/test-support";
import type { ReviewersOptions } from "../src/create-reviewers.js";
import { clickSlackButton, type SlackClick } from "./slack-click.js";
import { startReviewerInbox } from "./ui-helpers.js";

/** The signing secret of Slack's documented example. */
export const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

/**
 * Starts an inbox posting to the Slack double (`slack`, or a new one); `reviewers` adds
 * reviewer options, `overrides` inbox options (e.g. a SQLite `store` path).
 */
export async function startSlackInbox(
  mode: "bot" | "webhook" = "bot",
  reviewers: Partial<ReviewersOptions> = {},
  overrides: { store?: string } = {},
  existing?: SlackDouble,
) {
  const slack: SlackDouble = existing ?? (await startSlackDouble());
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
    { clock, ...overrides },
    port,
  );
  return { ...started, clock, slack };
}

/** Sends a button click as Slack would (form-encoded `payload`, signed). */
export const click = (
  root: string,
  clock: { now(): number },
  options: SlackClick,
  tamper: { timestamp?: number; signature?: string } = {},
) => clickSlackButton(root, SIGNING_SECRET, clock.now(), options, tamper);
