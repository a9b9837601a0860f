/**
 * @module cli/slack-env
 * Slack approvals of the CLI, from the environment (secrets stay out of the command line):
 * `SAFEGUARDS_SLACK_SIGNING_SECRET` turns them on, with `SAFEGUARDS_SLACK_BOT_TOKEN` and
 * `SAFEGUARDS_SLACK_CHANNEL` (messages updated with `chat.update`) or
 * `SAFEGUARDS_SLACK_WEBHOOK_URL`; `SAFEGUARDS_SLACK_API_URL` points at another Web API base.
 */
import { InvalidConfigError } from "@safeguards/core";
import type { SlackApprovalOptions } from "../slack/slack-approvals.js";

/** The Slack options the environment asks for, or `undefined` when Slack is not configured. */
export function slackFromEnv(env: NodeJS.ProcessEnv): SlackApprovalOptions | undefined {
  const signingSecret = env.SAFEGUARDS_SLACK_SIGNING_SECRET;
  const given = ["BOT_TOKEN", "CHANNEL", "WEBHOOK_URL", "API_URL"].filter(
    (name) => env[`SAFEGUARDS_SLACK_${name}`],
  );
  if (!signingSecret) {
    if (given.length === 0) return undefined;
    throw new InvalidConfigError(
      `SAFEGUARDS_SLACK_${given[0]} is set without SAFEGUARDS_SLACK_SIGNING_SECRET (the Slack app's signing secret)`,
    );
  }
  const pick = (name: string) => env[`SAFEGUARDS_SLACK_${name}`] || undefined;
  const options: SlackApprovalOptions = { signingSecret };
  for (const [key, name] of [
    ["botToken", "BOT_TOKEN"],
    ["channel", "CHANNEL"],
    ["webhookUrl", "WEBHOOK_URL"],
    ["apiUrl", "API_URL"],
  ] as const) {
    const value = pick(name);
    if (value) options[key] = value;
  }
  return options;
}
