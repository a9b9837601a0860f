/**
 * @module @safeguards/core
 * Human-in-the-loop approvals for AI agents: the public entry (named re-exports only).
 * What users write: the handler, channels, policies, the notification manager, safeguards,
 * errors, money, time and the protocol schemas. Plumbing that only Safeguards' own packages
 * use is in `@safeguards/core/internal`; test helpers in `@safeguards/core/testing`.
 */

export type { TerminalStatus } from "./actions/action-status.js";
export {
  ActionStatus,
  ALL_DECISIONS,
  DecisionType,
  isTerminalStatus,
  TERMINAL_STATUSES,
} from "./actions/action-status.js";
export type {
  ActionCall,
  Approval,
  ApprovalDecision,
  ApprovalRecord,
  ApprovalRequest,
  EscalationStep,
} from "./actions/approval-request.js";
export { HumanAction } from "./actions/human-action.js";
export type {
  ActionCallback,
  HandlerErrorContext,
  HumanActionHandlerOptions,
  RequestActionInput,
  WaitOptions,
} from "./actions/human-action-handler.js";
export { HumanActionHandler } from "./actions/human-action-handler.js";
export type { CreateAlertInput, SafetyAlert } from "./alerts/safety-alert.js";
export { AlertSeverity, createAlert, SEVERITIES } from "./alerts/safety-alert.js";
export type { ApprovalChannel, DecisionListener } from "./channels/approval-channel.js";
export { isApprovalChannel } from "./channels/approval-channel.js";
export type { EmailChannelConfig, EmailChannelOptions } from "./channels/email-channel.js";
export { EmailChannel } from "./channels/email-channel.js";
export type { Sleep } from "./channels/hitl/backoff.js";
export type { CallbackStats } from "./channels/hitl/callback-receiver.js";
export type { HumanInTheLoopChannelConfig } from "./channels/hitl/hitl-config.js";
export type {
  CallbackServer,
  HumanInTheLoopChannelOptions,
} from "./channels/human-in-the-loop-channel.js";
export { HumanInTheLoopChannel } from "./channels/human-in-the-loop-channel.js";
export type {
  DecisionOptions,
  InProcessApprovalChannelConfig,
  InProcessApprovalChannelOptions,
  InProcessReviewer,
  RequestListener,
} from "./channels/in-process-approval-channel.js";
export { InProcessApprovalChannel } from "./channels/in-process-approval-channel.js";
export type {
  ChannelLogger,
  LoggingChannelConfig,
  LoggingChannelOptions,
  LogLevel,
} from "./channels/logging-channel.js";
export { LOG_LEVELS, LoggingChannel } from "./channels/logging-channel.js";
export type { NotificationChannel } from "./channels/notification-channel.js";
export { DEFAULT_CHANNEL_TIMEOUT_SECONDS } from "./channels/send-budget.js";
export type { SlackChannelConfig, SlackChannelOptions } from "./channels/slack-channel.js";
export { SlackChannel } from "./channels/slack-channel.js";
export type {
  TerminalApprovalChannelConfig,
  TerminalApprovalChannelOptions,
} from "./channels/terminal-approval-channel.js";
export { TerminalApprovalChannel } from "./channels/terminal-approval-channel.js";
export type { WebhookChannelConfig, WebhookChannelOptions } from "./channels/webhook-channel.js";
export { WebhookChannel } from "./channels/webhook-channel.js";
export type { WebhookAlertPayload, WebhookHeaders } from "./channels/webhook-payload.js";
export { verifyWebhook } from "./channels/webhook-payload.js";
export type { SafeguardsErrorOptions } from "./errors.js";
export {
  ActionExpiredError,
  AlreadyDecidedError,
  ChannelDeliveryError,
  ErrorCode,
  InvalidConfigError,
  InvalidModificationError,
  isSafeguardsError,
  SafeguardsError,
} from "./errors.js";
export { validateJsonSchema } from "./json-schema/validate-json-schema.js";
export type { DedupeKeyFunction } from "./notifications/dedupe.js";
export { defaultDedupeKey } from "./notifications/dedupe.js";
export type {
  DeliveryResult,
  NotifyReport,
  ShutdownReport,
} from "./notifications/delivery-report.js";
export { DeliveryFailure } from "./notifications/delivery-report.js";
export type {
  NotificationManagerOptions,
  NotifyOptions,
} from "./notifications/notification-manager.js";
export { NotificationManager } from "./notifications/notification-manager.js";
export type { NotificationRoute, RouteFunction, Routing } from "./notifications/routing.js";
export type {
  DefinePoliciesOptions,
  Policies,
  PolicyContext,
  PolicyEntry,
  PolicyValue,
  PolicyVerdict,
  TimeoutFallback,
  ToolPolicy,
} from "./policies/define-policies.js";
export { definePolicies, isPolicies } from "./policies/define-policies.js";
export type { NotApprovedDetails } from "./policies/not-approved-error.js";
export { CallNotApprovedError } from "./policies/not-approved-error.js";
export * as protocol from "./protocol/index.js";
export type { AgentOptions } from "./safeguards/agent.js";
export { Agent } from "./safeguards/agent.js";
export type {
  FinancialAction,
  FinancialServicesConfig,
  FinancialServicesSafeguardOptions,
} from "./safeguards/financial-services-safeguard.js";
export { FinancialServicesSafeguard } from "./safeguards/financial-services-safeguard.js";
export { TelemetryNames } from "./telemetry/telemetry-names.js";
export type { Clock, ManualClock } from "./util/clock.js";
export { createManualClock, systemClock } from "./util/clock.js";
export type { AmountInput } from "./util/decimal.js";
export { Decimal, formatMoney, toDecimal } from "./util/decimal.js";
export type { JsonObject, JsonValue } from "./util/json.js";
export { canonicalJson, hashArgs } from "./util/json.js";
