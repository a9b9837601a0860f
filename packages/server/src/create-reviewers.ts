/**
 * @module create-reviewers
 * The reviewer side of the inbox, configured by `createInbox({ reviewers })`: accounts and
 * rights, the web inbox, and (when configured) email and Slack approvals. Created before
 * the HTTP app (its account tokens and rights check feed the API's authentication), then
 * mounted on the app.
 */
import { type Clock, InvalidConfigError } from "@safeguards/core";
import { parseConfig } from "@safeguards/core/internal";
import type { Hono } from "hono";
import { z } from "zod";
import { loadReviewerAccounts, type ReviewerAccountsSource } from "./auth/reviewer-account.js";
import { createReviewerDirectory, type ReviewerDirectory } from "./auth/reviewer-directory.js";
import type { ReviewerGate, ReviewerRights } from "./auth/reviewer-gate.js";
import { createSessionManager } from "./auth/session-manager.js";
import { type EmailApprovalOptions, mountEmailApprovals } from "./email/email-approvals.js";
import type { RequestOrigin } from "./http/request-origin.js";
import type { ActionFeed } from "./inbox/action-feed.js";
import type { ActionService } from "./inbox/action-service.js";
import type { InboxEvents } from "./inbox/inbox-events.js";
import { mountSlackApprovals, type SlackApprovalOptions } from "./slack/slack-approvals.js";
import type { ReviewerStateStore } from "./store/reviewer-state.js";
import { createReviewerStatePurger } from "./store/reviewer-state-purger.js";
import type { SlackMessageStore } from "./store/slack-message-store.js";
import { mountWebInbox } from "./ui/web-inbox.js";

/** Options of the reviewer side (`createInbox({ reviewers })`). */
export interface ReviewersOptions {
  /** Accounts in code, or the path of a JSON file (`[...]` or `{"reviewers": [...]}`). */
  accounts: ReviewerAccountsSource;
  /** Key (at least 32 characters) that signs session cookies, CSRF tokens and email links. */
  secret: string;
  /** Session lifetime. @default 28800 (8 hours) */
  sessionTtlSeconds?: number;
  /**
   * Force the cookies' `Secure` flag on (or off).
   * @default true when the request came over https (through a proxy with `trustProxy`) or the public URL is https
   */
  secureCookies?: boolean;
  /** Public URL of the inbox root, for links in emails and Slack. @default the inbox's `publicUrl` */
  publicUrl?: string;
  /** Email approvals (SMTP). */
  email?: EmailApprovalOptions;
  /** Slack approvals (bot token or incoming webhook, signing secret). */
  slack?: SlackApprovalOptions;
}

/** What {@link Reviewers.mount} needs from the inbox. */
export interface ReviewersMountDeps {
  app: Hono;
  service: ActionService;
  /** The inbox's rights check (built over this side's directory). */
  gate: ReviewerGate;
  events: InboxEvents;
  /** Every instance's action changes (live lists, Slack updates). */
  feed: ActionFeed;
  /** Where Slack messages are kept (the inbox's store). */
  slackMessages: SlackMessageStore;
  clock: Clock;
  /** Sessions, email-link tokens and sign-in counters (the store's, shared by instances). */
  state: ReviewerStateStore;
  basePath: string;
  publicUrl?: string;
  /** How requests reached the inbox (https, client address). */
  origin: RequestOrigin;
  shutdown: AbortSignal;
  onError: (error: unknown) => void;
}

/** The configured reviewer side. */
export interface Reviewers {
  directory: ReviewerDirectory;
  /** Account API tokens (`token -> name`), accepted by the API as reviewer tokens. */
  tokens: Record<string, string>;
  /**
   * The rights check of the gate: the current account's rights; a name without an account
   * has none, except the names of the inbox's plain `reviewerTokens` (full access).
   */
  rights(plainTokens: Record<string, string>): ReviewerRights;
  /** Mounts the routes and attaches the notifiers. */
  mount(deps: ReviewersMountDeps): void;
  /**
   * Once the store is ready: records the accounts' credentials in the reviewer state (ending
   * everywhere the sessions of changed or removed accounts) and starts purging it.
   */
  start(): Promise<void>;
  /** Resolves when the notifications queued so far (emails, Slack messages) are sent or failed. */
  idle(): Promise<void>;
  /** Stops the notifiers. */
  close(): Promise<void>;
}

const obj = <T>() => z.custom<T>((v) => typeof v === "object" && v !== null);
const optionsSchema = z.strictObject({
  accounts: z.union([z.string().min(1), z.array(z.unknown())]),
  secret: z.string().min(32, "secret must be at least 32 characters (e.g. 32 random bytes, hex)"),
  sessionTtlSeconds: z.number().int().positive().optional(),
  secureCookies: z.boolean().optional(),
  publicUrl: z.url({ protocol: /^https?$/ }).optional(),
  email: obj<EmailApprovalOptions>().optional(),
  slack: obj<SlackApprovalOptions>().optional(),
});

/** Creates the reviewer side from its options (throws InvalidConfigError on bad options). */
export function createReviewers(options: ReviewersOptions): Reviewers {
  const config = parseConfig("reviewers", optionsSchema, options) as ReviewersOptions;
  const directory = createReviewerDirectory(loadReviewerAccounts(config.accounts));
  const closers: Array<() => Promise<void> | void> = [];
  const idlers: Array<() => Promise<void>> = [];
  const starters: Array<() => Promise<void>> = [];
  return {
    directory,
    tokens: directory.tokens(),
    rights(plainTokens) {
      const plainNames = new Set(Object.values(plainTokens));
      return (name, record) =>
        directory.get(name) ? directory.canAccess(name, record) : plainNames.has(name);
    },
    mount(deps) {
      const base = deps.basePath;
      const { gate } = deps;
      const sessions = createSessionManager({
        secret: config.secret,
        clock: deps.clock,
        state: deps.state,
        credential: (name) => directory.get(name)?.passwordHash,
        ...(config.sessionTtlSeconds ? { ttlMs: config.sessionTtlSeconds * 1000 } : {}),
      });
      const purger = createReviewerStatePurger({
        state: deps.state,
        clock: deps.clock,
        onError: deps.onError,
      });
      starters.push(async () => {
        await sessions.recordCredentials(directory.names());
        await purger.start();
      });
      closers.push(() => purger.stop());
      mountWebInbox(deps.app, {
        base,
        secret: config.secret,
        gate,
        directory,
        sessions,
        service: deps.service,
        feed: deps.feed,
        clock: deps.clock,
        state: deps.state,
        origin: deps.origin,
        shutdown: deps.shutdown,
        ...(config.secureCookies !== undefined ? { secureCookies: config.secureCookies } : {}),
      });
      const publicUrl = (config.publicUrl ?? deps.publicUrl)?.replace(/\/$/, "");
      const needUrl = (what: string) => {
        if (!publicUrl)
          throw new InvalidConfigError(
            `reviewers: ${what} needs publicUrl (links back to the inbox)`,
          );
        return publicUrl;
      };
      const shared = {
        base,
        gate,
        directory,
        events: deps.events,
        clock: deps.clock,
        onError: deps.onError,
      };
      if (config.email) {
        const email = mountEmailApprovals(deps.app, config.email, {
          ...shared,
          state: deps.state,
          secret: config.secret,
          publicUrl: needUrl("email"),
        });
        closers.push(() => email.close());
        idlers.push(() => email.idle());
      }
      if (config.slack) {
        const slack = mountSlackApprovals(deps.app, config.slack, {
          ...shared,
          publicUrl: needUrl("slack"),
          feed: deps.feed,
          messages: deps.slackMessages,
          read: async (id) => (await deps.service.get(id))?.record,
        });
        closers.push(() => slack.close());
        idlers.push(() => slack.idle());
      }
    },
    async start() {
      for (const start of starters) await start();
    },
    async idle() {
      await Promise.all(idlers.map((idle) => idle()));
    },
    async close() {
      for (const close of closers.splice(0)) await close();
    },
  };
}
