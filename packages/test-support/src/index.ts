/**
 * @module @safeguards/test-support
 * Shared test fixtures of the workspace (private, never published): an inbox per test,
 * in-process approvals with a scripted reviewer, PostgreSQL test databases, SMTP capture, the Slack double, per-test cleanup and waiting
 * helpers. Server and adapter tests import this entry; core's tests import only
 * `@safeguards/test-support/smtp` (this entry loads `@safeguards/server`, which core must
 * never load).
 */
export type { ScriptedToolCall } from "./banking.js";
export {
  bankingPolicies,
  expectTransferRequest,
  transferArgsSchema,
  transferCall,
  transferThenBalance,
} from "./banking.js";
export type { LoopTurns } from "./event-loop.js";
export { loopTurnsWhile } from "./event-loop.js";
export {
  expectFourEyesRequest,
  FINANCE_REVIEWERS,
  FOUR_EYES,
  fourEyesReview,
} from "./four-eyes.js";
export type { FourEyesAnswer } from "./four-eyes-inbox.js";
export {
  financeTokenOf,
  fourEyesInbox,
  fourEyesInboxReviewers,
  fourEyesInboxWithReviewers,
} from "./four-eyes-inbox.js";
export { approvals } from "./in-process-approvals.js";
export { inboxHandler, inboxWithReviewer } from "./inbox-handler.js";
export type { DecisionAnswer, InboxRecord } from "./inbox-reviewer.js";
export { inboxReviewer } from "./inbox-reviewer.js";
export { deferCleanup, inboxPerTest } from "./per-test.js";
export type { TestDatabase } from "./postgres-db.js";
export { createTestDatabase, PG_TEST_URL } from "./postgres-db.js";
export type { SlackCall, SlackDouble } from "./slack-double.js";
export { startSlackDouble } from "./slack-double.js";
export type { SmtpSink, SmtpSinkOptions, SunkMail } from "./smtp-capture.js";
export { selfSignedCert, startSmtpSink } from "./smtp-capture.js";
export type { TestInbox } from "./test-inbox.js";
export {
  AGENT,
  AGENT_B,
  AGENT_B_KEY,
  AGENT_KEY,
  REVIEWER_B_TOKEN,
  REVIEWER_TOKEN,
  SECRET,
  startTestInbox,
  testInboxOptions,
} from "./test-inbox.js";
export type { TimersByDelay } from "./timers-by-delay.js";
export { timersByDelay } from "./timers-by-delay.js";
export { eventually, freePort } from "./wait.js";
