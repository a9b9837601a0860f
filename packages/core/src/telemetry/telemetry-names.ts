/**
 * @module telemetry/telemetry-names
 * The names of Safeguards' OpenTelemetry spans, metrics and attributes, in one place (the
 * core README lists them).
 */

/** Span, metric and attribute names (OpenTelemetry semantic-convention style). */
export const TelemetryNames = {
  /** Instrumentation scope of the agent side (`HumanActionHandler`). */
  SCOPE_CORE: "@safeguards/core",
  /** Instrumentation scope of the inbox. */
  SCOPE_SERVER: "@safeguards/server",
  /** Span: one action, from the request to its final status (agent side). */
  SPAN_ACTION: "safeguards.action",
  /** Span: one channel send of a request (child of `safeguards.action`). */
  SPAN_CHANNEL_SEND: "safeguards.channel.send",
  /** Span: an action's terminal transition in the inbox (decision, cancel, expiry). */
  SPAN_TRANSITION: "safeguards.action.transition",
  /** Span: one delivery attempt of a decided action's callback by the inbox. */
  SPAN_CALLBACK: "safeguards.callback.delivery",
  /** Histogram (s): from the request to the final status. */
  METRIC_DECISION_DURATION: "safeguards.decision.duration",
  /** Counter: actions that reached a final status. */
  METRIC_ACTIONS: "safeguards.actions",
  /** Up-down counter: actions waiting for a decision. */
  METRIC_PENDING: "safeguards.actions.pending",
  ACTION_ID: "safeguards.action.id",
  AGENT_ID: "safeguards.agent.id",
  TOOL_NAME: "safeguards.tool.name",
  /** Final status, lower case (`approved`, `modified`, `rejected`, `timed_out`, `cancelled`). */
  ACTION_STATUS: "safeguards.action.status",
  REVIEWER: "safeguards.reviewer",
  /** Set when an action needs more than one approval. */
  REQUIRED_APPROVALS: "safeguards.required_approvals",
  /** The channel's class name, on `safeguards.channel.send`. */
  CHANNEL: "safeguards.channel",
  /** 1 for the first delivery attempt of a callback. */
  CALLBACK_ATTEMPT: "safeguards.callback.attempt",
} as const;
