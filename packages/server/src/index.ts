/**
 * @module @safeguards/server
 * The approval inbox of PROTOCOL.md: HTTP API, the store contract and memory store, and
 * `createInbox`. The database drivers are subpaths (`@safeguards/server/sqlite`,
 * `@safeguards/server/postgres`), loaded only when used; test helpers are in
 * `@safeguards/server/testing`.
 */
export { hashPassword } from "./auth/hash-password.js";
export type { ReviewerAccount, ReviewerAccountsSource } from "./auth/reviewer-account.js";
export type { Inbox, InboxOptions } from "./create-inbox.js";
export { createInbox } from "./create-inbox.js";
export type { ReviewersOptions } from "./create-reviewers.js";
export type { EmailApprovalOptions, SmtpOptions } from "./email/email-approvals.js";
export type { Authenticator, Principal } from "./http/auth.js";
export type { ActionService, SubmitResult } from "./inbox/action-service.js";
export type { CallbackUrlPolicy } from "./inbox/callback-allowlist.js";
export type { CallbackLookup } from "./inbox/callback-dispatcher.js";
export type { CallbackRetryOptions } from "./inbox/callback-sender.js";
export type {
  DecisionEvent,
  DecisionEventListener,
  DecisionNotifier,
  RemoteChange,
  RemoteChangeListener,
} from "./inbox/decision-notifier.js";
export { createLocalNotifier } from "./inbox/decision-notifier.js";
export { InboxError } from "./inbox/inbox-error.js";
export type { InboxEvent, InboxEventListener, InboxEventType } from "./inbox/inbox-events.js";
export type {
  DecisionTimeSummary,
  SlowPendingAction,
  StatsRange,
  StatsReport,
} from "./inbox/stats-report.js";
export type { SlackApprovalOptions } from "./slack/slack-approvals.js";
export { verifySlackSignature } from "./slack/slack-signature.js";
export type { GroupStats, StatsQuery } from "./store/action-stats.js";
export type {
  ActionGroup,
  ActionStore,
  AuditEntry,
  CreateResult,
  DecisionsQuery,
  ListPage,
  ListQuery,
  NewAction,
  OldestPendingQuery,
  PendingCount,
  StoredAction,
  StoredRecord,
  TransitionInput,
  TransitionRefusal,
  TransitionResult,
} from "./store/action-store.js";
export { createMemoryStore } from "./store/memory-store.js";
export type {
  ReviewerStateStore,
  SessionRef,
  SignInCounter,
  SignInCounterChanges,
} from "./store/reviewer-state.js";
export type { SlackMessageEntry, SlackMessageStore } from "./store/slack-message-store.js";
