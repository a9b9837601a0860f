/**
 * @module email/email-approvals
 * Email approvals: when an action is filed, each reviewer with an email address, the right
 * to the action and (when it names assignees) a place among them gets a message with
 * personal Approve / Reject links (signed, single-use, expiring) and a Review link; when an
 * escalation step adds assignees, the reviewers it adds are mailed the same way. Links lead
 * to a confirmation page (GET decides nothing, so mail scanners that prefetch links cannot
 * approve); only the confirming POST decides, through the reviewer gate and the action
 * service, and an Approve counts as one approval of that reviewer.
 */
import { type Clock, InvalidConfigError, type protocol } from "@safeguards/core";
import { hasApproved, isAssignee } from "@safeguards/core/internal";
import type { Hono } from "hono";
import nodemailer from "nodemailer";
import type { ReviewerAccount } from "../auth/reviewer-account.js";
import type { ReviewerDirectory } from "../auth/reviewer-directory.js";
import type { ReviewerGate } from "../auth/reviewer-gate.js";
import type { InboxEvents } from "../inbox/inbox-events.js";
import type { ReviewerStateStore } from "../store/reviewer-state.js";
import { requestEmail } from "./email-message.js";
import { mountEmailRoutes } from "./email-routes.js";
import { createEmailTokens } from "./email-tokens.js";

/**
 * SMTP server of the approval emails. TLS is required by default, as for core's
 * `EmailChannel` (`useTls`): implicit TLS on port 465, mandatory STARTTLS on other ports.
 */
export interface SmtpOptions {
  host: string;
  port: number;
  /** Implicit TLS from the first byte. @default true on port 465, false otherwise */
  secure?: boolean;
  /**
   * Without `secure`: refuse to send unless STARTTLS succeeds. `false` sends in clear text
   * when the server offers no STARTTLS (a local test server, never production). @default true
   */
  requireTls?: boolean;
  auth?: { user: string; pass: string };
  /** Connection, greeting and socket timeout (ms). @default 10000 */
  timeoutMs?: number;
  /** Extra TLS options (e.g. `{ ca }`). */
  tls?: Record<string, unknown>;
}

/** Options of email approvals (`reviewers.email`). */
export interface EmailApprovalOptions {
  smtp: SmtpOptions;
  /** Sender, e.g. `"Safeguards <inbox@example.com>"`. */
  from: string;
  /** Lifetime of Approve / Reject links, capped at the action's expiry. @default 86400 */
  linkTtlSeconds?: number;
}

/** What email approvals need from the reviewer side. */
export interface EmailApprovalDeps {
  base: string;
  publicUrl: string;
  secret: string;
  gate: ReviewerGate;
  directory: ReviewerDirectory;
  events: Pick<InboxEvents, "on">;
  clock: Clock;
  /** Where used link tokens are marked. */
  state: ReviewerStateStore;
  onError: (error: unknown) => void;
}

/** Email approvals once mounted. */
export interface EmailApprovals {
  /** Resolves when the mails queued so far are sent or failed. */
  idle(): Promise<void>;
  /** Stops mailing new actions, waits for the mails in flight, closes the transport. */
  close(): Promise<void>;
}

/** Attaches the email notifier and mounts `/email/:token`. */
export function mountEmailApprovals(
  app: Hono,
  options: EmailApprovalOptions,
  deps: EmailApprovalDeps,
): EmailApprovals {
  if (!options?.smtp?.host || !options.from) {
    throw new InvalidConfigError("reviewers.email needs smtp.host, smtp.port and from");
  }
  const timeout = options.smtp.timeoutMs ?? 10_000;
  const secure = options.smtp.secure ?? options.smtp.port === 465;
  const transport = nodemailer.createTransport({
    host: options.smtp.host,
    port: options.smtp.port,
    secure,
    requireTLS: !secure && (options.smtp.requireTls ?? true),
    ...(options.smtp.auth ? { auth: options.smtp.auth } : {}),
    ...(options.smtp.tls ? { tls: options.smtp.tls } : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  const tokens = createEmailTokens({ secret: deps.secret, clock: deps.clock, state: deps.state });
  const ttlMs = (options.linkTtlSeconds ?? 86_400) * 1000;
  mountEmailRoutes(app, { ...deps, tokens });
  const inFlight = new Set<Promise<unknown>>();

  /** Mails `recipients` (eligible reviewers) their personal links to `record`. */
  const mail = (
    record: protocol.ActionRecord,
    recipients: ReviewerAccount[],
    escalatedTo?: readonly string[],
  ) => {
    const expires = Math.min(Date.parse(record.expires_at), deps.clock.now() + ttlMs);
    const link = (decision: "approve" | "reject", reviewer: string) =>
      `${deps.publicUrl}/email/${tokens.issue(record.id, decision, reviewer, expires)}`;
    for (const reviewer of recipients) {
      if (!reviewer.email) continue;
      const allowed = new Set(record.allowed_decisions);
      const message = requestEmail(
        record,
        {
          ...(allowed.has("approve") ? { approve: link("approve", reviewer.name) } : {}),
          ...(allowed.has("reject") ? { reject: link("reject", reviewer.name) } : {}),
          review: `${deps.publicUrl}/review/${encodeURIComponent(record.id)}`,
        },
        escalatedTo,
      );
      const sending = transport
        .sendMail({ from: options.from, to: reviewer.email, ...message })
        .catch(deps.onError)
        .finally(() => inFlight.delete(sending));
      inFlight.add(sending);
    }
  };
  const offs = [
    // reviewersOf: rights to the agent and tool, and an assignee of the action.
    deps.events.on("action.created", ({ action }) =>
      mail(action, deps.directory.reviewersOf(action)),
    ),
    // An escalation step mails the reviewers it newly reaches: named by the step, and
    // neither assignees before it (they were mailed already) nor among the approvals.
    deps.events.on("action.escalated", ({ action, assignees, previousAssignees }) =>
      mail(
        action,
        deps.directory
          .reviewersOf(action, assignees)
          .filter(
            (a) =>
              !isAssignee(a, previousAssignees) && !hasApproved(action.approvals ?? [], a.name),
          ),
        assignees,
      ),
    ),
  ];
  const idle = async () => {
    while (inFlight.size) await Promise.allSettled([...inFlight]);
  };
  return {
    idle,
    async close() {
      for (const off of offs) off();
      await idle();
      transport.close();
    },
  };
}
