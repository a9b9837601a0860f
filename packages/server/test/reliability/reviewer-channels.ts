/**
 * @module test/reliability/reviewer-channels
 * The reviewer side of the reliability suite: an accounts file (the test accounts of
 * `ui-helpers.ts`, with alice deciding every agent's actions by web session, API token and
 * Slack, and bob, the one with an email address, only those of {@link MAIL_AGENTS}, to keep
 * the run short), one Slack double and one SMTP capture
 * reachable by every inbox instance, and the options that turn them on, for `createInbox`
 * and for the CLI.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type SlackDouble,
  type SmtpSink,
  startSlackDouble,
  startSmtpSink,
} from "@safeguards/test-support";
import type { ReviewersOptions } from "../../src/create-reviewers.js";
import { testAccounts, UI_SECRET } from "../ui-helpers.js";
import { agentKey } from "./soak-agent.js";

/** Public URL of the instances (links in mails point here; the test rewrites the origin). */
export const RELIABILITY_PUBLIC_URL = "http://inbox.reliability.test";
/** Signing secret of the Slack app the instances trust. */
export const RELIABILITY_SLACK_SECRET = "slack-signing-secret-reliability-0123";
const FROM = "Safeguards <inbox@reliability.test>";
/** The agents whose actions are mailed (to bob). */
export const MAIL_AGENTS: readonly string[] = [agentKey(0).agentId, agentKey(1).agentId];

/** alice (every agent, no email) and bob (email, {@link MAIL_AGENTS} only). */
function reliabilityAccounts() {
  return testAccounts().map((account) => {
    if (account.name === "alice") return { ...account, email: undefined };
    if (account.name === "bob") return { ...account, agents: [...MAIL_AGENTS] };
    return account;
  });
}

/** The Slack double, the SMTP capture and the accounts file of one run. */
export interface ReviewerChannels {
  slack: SlackDouble;
  smtp: SmtpSink;
  /** Path of the JSON accounts file. */
  accountsFile: string;
  /** `reviewers` of `createInbox` (accounts file, email, Slack). */
  inboxReviewers(): ReviewersOptions;
  /** Environment of a CLI instance with the same reviewer side. */
  cliEnv(): Record<string, string>;
  /** Arguments of a CLI instance with the same reviewer side. */
  cliArgs(): string[];
  close(): Promise<void>;
}

/** Starts the Slack double and the SMTP capture and writes the accounts file. */
export async function startReviewerChannels(): Promise<ReviewerChannels> {
  const dir = mkdtempSync(join(tmpdir(), "reliability-reviewers-"));
  const accountsFile = join(dir, "reviewers.json");
  writeFileSync(accountsFile, JSON.stringify({ reviewers: reliabilityAccounts() }));
  const slack = await startSlackDouble();
  const smtp = await startSmtpSink();
  return {
    slack,
    smtp,
    accountsFile,
    inboxReviewers: () => ({
      accounts: accountsFile,
      secret: UI_SECRET,
      publicUrl: RELIABILITY_PUBLIC_URL,
      email: {
        // A loaded machine may take seconds to greet (the CLI keeps its 10 s default).
        smtp: { host: "127.0.0.1", port: smtp.port, requireTls: false, timeoutMs: 60_000 },
        from: FROM,
      },
      slack: {
        signingSecret: RELIABILITY_SLACK_SECRET,
        botToken: "xoxb-reliability",
        channel: slack.channel,
        apiUrl: `${slack.url}/api`,
      },
    }),
    cliEnv: () => ({
      SAFEGUARDS_REVIEWER_SECRET: UI_SECRET,
      SAFEGUARDS_SLACK_SIGNING_SECRET: RELIABILITY_SLACK_SECRET,
      SAFEGUARDS_SLACK_BOT_TOKEN: "xoxb-reliability",
      SAFEGUARDS_SLACK_CHANNEL: slack.channel,
      SAFEGUARDS_SLACK_API_URL: `${slack.url}/api`,
    }),
    cliArgs: () => [
      "--reviewers",
      accountsFile,
      "--public-url",
      RELIABILITY_PUBLIC_URL,
      "--smtp-url",
      `smtp://127.0.0.1:${smtp.port}?require_tls=false`,
      "--email-from",
      FROM,
    ],
    async close() {
      await slack.close();
      await smtp.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
