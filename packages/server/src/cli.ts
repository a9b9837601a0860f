#!/usr/bin/env node
/**
 * @module cli
 * `safeguards-inbox`: runs the approval inbox. Keys come from the environment:
 * SAFEGUARDS_API_KEYS="key1=agentA,key2=agentB", SAFEGUARDS_REVIEWER_TOKENS="tok=alice",
 * SAFEGUARDS_SIGNING_SECRET="whsec_...". Stops gracefully on SIGINT/SIGTERM.
 */
import { parseArgs } from "node:util";
import { InvalidConfigError } from "@safeguards/core";
import { parseKeyList } from "./cli/parse-key-list.js";
import { slackFromEnv } from "./cli/slack-env.js";
import { parseSmtpUrl } from "./cli/smtp-url.js";
import { selectStore } from "./cli/store-selection.js";
import { createInbox } from "./create-inbox.js";
import { parseCallbackUrlList } from "./inbox/callback-allowlist.js";
import { DEFAULT_SQLITE_PATH } from "./store/sqlite-store.js";

const HELP = `Usage: safeguards-inbox [--port 8787] [--host 127.0.0.1] [--db ${DEFAULT_SQLITE_PATH}]

Runs the Safeguards approval inbox (PROTOCOL.md) over HTTP.

Options:
  --port <n>     port to listen on (0 picks a free one)       default 8787
  --host <h>     interface to bind                             default 127.0.0.1
  --db <path>    SQLite file, or "memory" for a throwaway inbox default ${DEFAULT_SQLITE_PATH}
  --database-url <url>  PostgreSQL (postgres://...): several instances share one database
                 default $DATABASE_URL when --db is not given
  --public-url   public URL of the inbox (for review_url)
  --reviewers <file>  reviewer accounts (JSON, see README "Reviewers"): turns on the web
                 inbox at / (sign in, review, history); needs SAFEGUARDS_REVIEWER_SECRET
  --smtp-url <url>  with --reviewers: email approvals through this SMTP server,
                 smtps://user:pass@host:465 or smtp://host:587 (STARTTLS required;
                 ?require_tls=false only for a local test server); needs --email-from
                 and --public-url                             default $SAFEGUARDS_SMTP_URL
  --email-from <address>  sender of the approval emails, e.g. "Inbox <inbox@example.com>"
  --callback-urls <list>  comma-separated URL prefixes callbacks may go to, e.g.
                 "https://agents.internal.example/,http://127.0.0.1:9000/"; any other
                 callback_url gets 422 callback_url_not_allowed   default $SAFEGUARDS_CALLBACK_URLS
                 (without a list: public addresses only, never loopback/private/link-local)
  --callback-concurrency <n>  most callbacks in flight at once (others wait)   default 16
  --callback-lease-ms <n>  how long an instance's lease on an owed callback holds without
                 renewal; a dead instance's callbacks are sent by another after it   default 60000
  --trust-proxy  the inbox is behind one TLS proxy: honour its X-Forwarded-Proto (Secure
                 cookies, HSTS) and X-Forwarded-For (sign-in throttle); never when clients
                 can reach the inbox directly                  default off
  --max-pending-per-agent <n>  most pending actions per agent; more get 429
                 too_many_pending                              default 10000
  --max-waits-per-agent <n>  most open long polls and event streams per agent;
                 more get 429 too_many_waits                   default 100
  -h, --help     show this help

Environment:
  SAFEGUARDS_API_KEYS         agent keys: "key1=agentA,key2=agentB" (required)
  SAFEGUARDS_REVIEWER_TOKENS  reviewer tokens: "token1=alice,token2=bob"
  SAFEGUARDS_SIGNING_SECRET   Standard Webhooks secret (whsec_...) to sign callbacks
  SAFEGUARDS_CALLBACK_URLS    allowed callback URL prefixes (as --callback-urls)
  SAFEGUARDS_REVIEWER_SECRET  32+ characters signing reviewer sessions (with --reviewers)
  SAFEGUARDS_SMTP_URL         SMTP server of the approval emails (as --smtp-url)
  DATABASE_URL                PostgreSQL URL, used when neither --db nor --database-url is given
  SAFEGUARDS_SLACK_SIGNING_SECRET  turns on Slack approvals (with --reviewers and --public-url),
                              with SAFEGUARDS_SLACK_BOT_TOKEN and SAFEGUARDS_SLACK_CHANNEL, or
                              SAFEGUARDS_SLACK_WEBHOOK_URL; SAFEGUARDS_SLACK_API_URL sets the
                              Web API base (default https://slack.com/api)
`;

/** `{ [option]: n }` for a positive integer flag, `{}` when absent; throws when malformed. */
function positiveFlag<K extends string>(
  flag: string,
  option: K,
  values: Record<string, unknown>,
): Partial<Record<K, number>> {
  const raw = values[flag];
  if (raw === undefined) return {};
  const n = Number(raw);
  if (!/^\d+$/.test(String(raw)) || !Number.isSafeInteger(n) || n < 1)
    throw new InvalidConfigError(`--${flag} must be a positive integer`);
  return { [option]: n } as Partial<Record<K, number>>;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8787" },
      host: { type: "string", default: "127.0.0.1" },
      db: { type: "string" },
      "database-url": { type: "string" },
      "public-url": { type: "string" },
      reviewers: { type: "string" },
      "smtp-url": { type: "string" },
      "email-from": { type: "string" },
      "callback-urls": { type: "string" },
      "trust-proxy": { type: "boolean", default: false },
      "max-pending-per-agent": { type: "string" },
      "max-waits-per-agent": { type: "string" },
      "callback-concurrency": { type: "string", default: "16" },
      "callback-lease-ms": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidConfigError("--port must be 0-65535");
  const callbackConcurrency = Number(values["callback-concurrency"]);
  if (!Number.isInteger(callbackConcurrency) || callbackConcurrency < 1)
    throw new InvalidConfigError("--callback-concurrency must be a positive integer");
  const apiKeys = parseKeyList("SAFEGUARDS_API_KEYS", process.env.SAFEGUARDS_API_KEYS);
  if (Object.keys(apiKeys).length === 0) {
    throw new InvalidConfigError(
      'Set SAFEGUARDS_API_KEYS, e.g. SAFEGUARDS_API_KEYS="my-agent-key=financial_advisor"',
    );
  }
  const secret = process.env.SAFEGUARDS_SIGNING_SECRET;
  const rawCallbackUrls = values["callback-urls"] ?? process.env.SAFEGUARDS_CALLBACK_URLS ?? "";
  const callbackUrls = rawCallbackUrls.trim()
    ? parseCallbackUrlList(
        values["callback-urls"] !== undefined ? "--callback-urls" : "SAFEGUARDS_CALLBACK_URLS",
        rawCallbackUrls,
      )
    : undefined;
  if (secret && !callbackUrls) {
    process.stderr.write(
      "safeguards-inbox: note: callbacks are on (SAFEGUARDS_SIGNING_SECRET) with no --callback-urls / SAFEGUARDS_CALLBACK_URLS allowlist: they go to public addresses only (agents on this machine or a private network need an entry)\n",
    );
  }
  const slack = slackFromEnv(process.env);
  if (slack && !values.reviewers)
    throw new InvalidConfigError(
      "Slack approvals (SAFEGUARDS_SLACK_*) need --reviewers: the accounts whose slackUserId may decide",
    );
  const rawSmtpUrl = values["smtp-url"] ?? process.env.SAFEGUARDS_SMTP_URL ?? "";
  const smtp = rawSmtpUrl.trim()
    ? parseSmtpUrl(
        values["smtp-url"] !== undefined ? "--smtp-url" : "SAFEGUARDS_SMTP_URL",
        rawSmtpUrl.trim(),
      )
    : undefined;
  if (smtp && (!values.reviewers || !values["email-from"]))
    throw new InvalidConfigError("--smtp-url needs --reviewers and --email-from");
  const selected = selectStore({
    db: values.db,
    databaseUrl: values["database-url"],
    envDatabaseUrl: process.env.DATABASE_URL,
  });
  const inbox = createInbox({
    store: selected.store,
    apiKeys,
    reviewerTokens: parseKeyList(
      "SAFEGUARDS_REVIEWER_TOKENS",
      process.env.SAFEGUARDS_REVIEWER_TOKENS,
    ),
    ...(secret ? { signingSecret: secret } : {}),
    ...(callbackUrls ? { callbackUrls } : {}),
    ...positiveFlag("max-pending-per-agent", "maxPendingPerAgent", values),
    ...positiveFlag("max-waits-per-agent", "maxWaitsPerAgent", values),
    callbackConcurrency,
    ...positiveFlag("callback-lease-ms", "callbackLeaseMs", values),
    ...(values["public-url"] ? { publicUrl: values["public-url"] } : {}),
    ...(values["trust-proxy"] ? { trustProxy: true } : {}),
    ...(values.reviewers
      ? {
          reviewers: {
            accounts: values.reviewers,
            secret: process.env.SAFEGUARDS_REVIEWER_SECRET ?? "",
            ...(slack ? { slack } : {}),
            ...(smtp ? { email: { smtp, from: values["email-from"] as string } } : {}),
          },
        }
      : {}),
  });
  const { url } = await inbox.listen({ port, host: values.host });
  process.stdout.write(`safeguards-inbox listening: ${url} (store: ${selected.label})\n`);
  const stop = (signal: string) => {
    process.stdout.write(`safeguards-inbox: ${signal}, shutting down\n`);
    inbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}

main().catch((error: unknown) => {
  process.stderr.write(`safeguards-inbox: ${(error as Error).message}\n`);
  process.exit(1);
});
