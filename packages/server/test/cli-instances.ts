/**
 * @module test/cli-instances
 * Inbox instances as CLI processes on one PostgreSQL database, with the reviewer side on
 * (the test accounts of `ui-helpers.ts`, and a plain reviewer token of `ops`) and, for the
 * instances that ask, Slack approvals posting to a Slack double.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AGENT_KEY } from "@safeguards/test-support";
import { type InboxProcess, startInboxProcess } from "./reliability/inbox-process.js";
import { testAccounts, UI_SECRET } from "./ui-helpers.js";

/** The signing secret of the Slack app the instances are configured with. */
export const CLI_SLACK_SECRET = "slack-signing-secret-cli-0123456789";

/** The web root of an instance (its URL without `/api`). */
export const rootOf = (p: InboxProcess) => p.url.replace(/\/api$/, "");

/**
 * Starts one instance per entry of `slack`, together: `true` posts to the Slack double at
 * `slackUrl`, `false` has no Slack.
 */
export async function startReviewerInstances(
  databaseUrl: string,
  slack: boolean[],
  slackUrl?: string,
): Promise<InboxProcess[]> {
  const accounts = join(mkdtempSync(join(tmpdir(), "cli-instances-")), "reviewers.json");
  writeFileSync(accounts, JSON.stringify(testAccounts()));
  const env = {
    SAFEGUARDS_API_KEYS: `${AGENT_KEY}=financial_advisor`,
    SAFEGUARDS_REVIEWER_SECRET: UI_SECRET,
    // A second reviewer of financial_advisor (full access), so two approvals can be reached.
    SAFEGUARDS_REVIEWER_TOKENS: "cli-ops-reviewer-token-0001=ops",
  };
  const slackEnv = {
    SAFEGUARDS_SLACK_SIGNING_SECRET: CLI_SLACK_SECRET,
    SAFEGUARDS_SLACK_BOT_TOKEN: "xoxb-cli-test",
    SAFEGUARDS_SLACK_CHANNEL: "C123",
    SAFEGUARDS_SLACK_API_URL: `${slackUrl}/api`,
  };
  const args = ["--reviewers", accounts, "--public-url", "http://inbox.example.test"];
  return Promise.all(
    slack.map((on) => startInboxProcess(databaseUrl, on ? { ...env, ...slackEnv } : env, args)),
  );
}
