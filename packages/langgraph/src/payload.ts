/**
 * @module payload
 * The value of one approval interrupt: the call under review, how to ask about it, and the
 * same call in LangChain `HITLRequest` and Agent Inbox `HumanInterrupt` form.
 */
import type { AlertSeverity, DecisionType, JsonObject, TimeoutFallback } from "@safeguards/core";
import { type HitlRequestFields, hitlRequestFields } from "./interop.js";

/** Marks an interrupt value as one of ours. */
export const PAYLOAD_KIND = "safeguards.approval" as const;

/** The interrupt value of one flagged tool call (JSON; stored in the checkpoint). */
export interface ApprovalPayload extends HitlRequestFields {
  kind: typeof PAYLOAD_KIND;
  tool_call_id: string;
  name: string;
  args: JsonObject;
  /** JSON Schema of `args`, when the tool is known. */
  args_schema?: JsonObject;
  title: string;
  description: string;
  /** The tool's own description, when the tool is known. */
  tool_description?: string;
  severity: AlertSeverity;
  allowed_decisions: DecisionType[];
  timeout_seconds?: number;
  on_timeout: TimeoutFallback;
  agent_id?: string;
  reviewers?: string[];
  channel?: string;
  policy_error?: string;
  /** Id of the AI message that made the call. */
  ai_message_id?: string;
  /** When the call was flagged (ISO 8601, UTC); stable across re-runs of the node. */
  requested_at: string;
  /** Agent Inbox `HumanInterrupt` fields. */
  action_request: { action: string; args: JsonObject };
  config: {
    allow_accept: boolean;
    allow_edit: boolean;
    allow_ignore: boolean;
    allow_respond: boolean;
  };
}

/** Input of {@link buildPayload}. */
export interface PayloadInput {
  toolCallId: string;
  name: string;
  args: JsonObject;
  argsSchema?: JsonObject;
  toolDescription?: string;
  title: string;
  description: string;
  severity: AlertSeverity;
  allowedDecisions: DecisionType[];
  timeoutSeconds?: number;
  onTimeout: TimeoutFallback;
  agentId?: string;
  reviewers?: string[];
  channel?: string;
  policyError?: string;
  aiMessageId?: string;
  requestedAt: Date;
}

/** Builds the interrupt value of one flagged call. */
export function buildPayload(input: PayloadInput): ApprovalPayload {
  const allowed = input.allowedDecisions;
  return {
    kind: PAYLOAD_KIND,
    tool_call_id: input.toolCallId,
    name: input.name,
    args: input.args,
    ...(input.argsSchema ? { args_schema: input.argsSchema } : {}),
    title: input.title,
    description: input.description,
    ...(input.toolDescription ? { tool_description: input.toolDescription } : {}),
    severity: input.severity,
    allowed_decisions: [...allowed],
    ...(input.timeoutSeconds !== undefined ? { timeout_seconds: input.timeoutSeconds } : {}),
    on_timeout: input.onTimeout,
    ...(input.agentId !== undefined ? { agent_id: input.agentId } : {}),
    ...(input.reviewers ? { reviewers: [...input.reviewers] } : {}),
    ...(input.channel !== undefined ? { channel: input.channel } : {}),
    ...(input.policyError !== undefined ? { policy_error: input.policyError } : {}),
    ...(input.aiMessageId !== undefined ? { ai_message_id: input.aiMessageId } : {}),
    requested_at: input.requestedAt.toISOString(),
    ...hitlRequestFields({
      name: input.name,
      args: input.args,
      description: input.description,
      allowedDecisions: allowed,
      ...(input.argsSchema ? { argsSchema: input.argsSchema } : {}),
    }),
    action_request: { action: input.name, args: input.args },
    config: {
      allow_accept: allowed.includes("approve"),
      allow_edit: allowed.includes("modify"),
      allow_ignore: allowed.includes("reject"),
      allow_respond: allowed.includes("reject"),
    },
  };
}

/** True when `value` is an {@link ApprovalPayload}. */
export function isApprovalPayload(value: unknown): value is ApprovalPayload {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { kind?: unknown }).kind === PAYLOAD_KIND &&
    typeof (value as { tool_call_id?: unknown }).tool_call_id === "string"
  );
}
