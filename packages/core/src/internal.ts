/**
 * @module @safeguards/core/internal
 * Plumbing that Safeguards' own packages (the inbox, the adapters) and tests share but users
 * do not need: not covered by semver. Users import `@safeguards/core` (and its `interrupts`
 * and `testing` subpaths).
 */
export { statusForDecision } from "./actions/action-status.js";
export type {
  ApprovalLike,
  QuorumOutcome,
  QuorumState,
  QuorumVote,
} from "./actions/approval-quorum.js";
export { approvalsMissing, castVote, hasApproved } from "./actions/approval-quorum.js";
export type { ApproverFields } from "./actions/approval-rules.js";
export { approverFieldsOf } from "./actions/approval-rules.js";
export type { ReviewerIdentity, StepTiming } from "./actions/assignees.js";
export {
  addAssignees,
  assigneesAfterEscalation,
  dueEscalationSteps,
  escalationDueAt,
  isAssignee,
  nextEscalationAt,
} from "./actions/assignees.js";
export { assertDecisionAllowed } from "./actions/check-decision.js";
export { DeadlineScheduler } from "./actions/deadlines.js";
export {
  applyModification,
  assertValidModification,
  modificationTarget,
} from "./actions/modification.js";
export { escapeHtml, escapeSlackMrkdwn } from "./channels/escape.js";
export type { HttpFailure, InboxClientOptions } from "./channels/hitl/inbox-client.js";
export { InboxClient } from "./channels/hitl/inbox-client.js";
export { toWebhookPayload } from "./channels/webhook-payload.js";
export { validateJsonSchemaAsync } from "./json-schema/validate-json-schema.js";
export type { ExpectedCall } from "./policies/adopt-filed.js";
export { adoptFiled, assertSameCall, fileOrAdopt } from "./policies/adopt-filed.js";
export type { CallCheck } from "./policies/call-check.js";
export { callCheckFor, neverFlags } from "./policies/call-check.js";
export { policiesOf } from "./policies/define-policies.js";
export type { CallOutcome } from "./policies/resolve-outcome.js";
export { resolveOutcome } from "./policies/resolve-outcome.js";
export type { CallArgsSchema, ReviewCallInput, ReviewResult } from "./policies/review-call.js";
export { evaluateCall, reviewCall } from "./policies/review-call.js";
export type { ActionInstruments } from "./telemetry/action-metrics.js";
export {
  actionInstruments,
  actionMetricAttributes,
  PENDING_METRIC_OPTIONS,
  recordFinalStatus,
} from "./telemetry/action-metrics.js";
export type { OtelApi } from "./telemetry/otel-api.js";
export { otelApi, sdkTracer } from "./telemetry/otel-api.js";
export { recordSpanError } from "./telemetry/span-error.js";
export {
  activeTraceparent,
  contextFromTraceparent,
  formatTraceparent,
  normalizeTraceparent,
  parseTraceparent,
} from "./telemetry/trace-context.js";
export { parseConfig, refuseSnakeCaseKeys, toCamelCase } from "./util/config.js";
