/**
 * @module @safeguards/server
 * The approval inbox of PROTOCOL.md: HTTP API, stores, and `createInbox`.
 */
export { hashPassword } from "./auth/hash-password.js";
export type { ReviewerAccount, ReviewerAccountsSource } from "./auth/reviewer-account.js";
export type { ReviewersOptions } from "./auth/reviewers.js";
export type { Inbox, InboxOptions } from "./create-inbox.js";
export { createInbox } from "./create-inbox.js";
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
} from "./inbox/decision-notifier.js";
export { createLocalNotifier } from "./inbox/decision-notifier.js";
export { InboxError } from "./inbox/inbox-error.js";
export type { InboxEvent, InboxEventListener, InboxEventType } from "./inbox/inbox-events.js";
export type {
  PostgresNotifier,
  PostgresNotifierOptions,
} from "./inbox/postgres-notifier.js";
export { createPostgresNotifier, DEFAULT_NOTIFY_CHANNEL } from "./inbox/postgres-notifier.js";
export type { SlackApprovalOptions } from "./slack/slack-approvals.js";
export { slackSignature, verifySlackSignature } from "./slack/slack-signature.js";
export type {
  ActionStore,
  AuditEntry,
  CreateResult,
  DecisionsQuery,
  ListPage,
  ListQuery,
  NewAction,
  StoredAction,
  StoredRecord,
  TransitionInput,
  TransitionRefusal,
  TransitionResult,
} from "./store/action-store.js";
export { createMemoryStore } from "./store/memory-store.js";
export type {
  MigrationReport,
  PostgresMigration,
} from "./store/postgres-migrations.js";
export { migratePostgres, POSTGRES_MIGRATIONS } from "./store/postgres-migrations.js";
export type { PostgresStoreOptions } from "./store/postgres-store.js";
export { createPostgresStore } from "./store/postgres-store.js";
export type { SqliteStoreOptions } from "./store/sqlite-store.js";
export { createSqliteStore, DEFAULT_SQLITE_PATH } from "./store/sqlite-store.js";
