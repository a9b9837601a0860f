/**
 * @module interrupts/approval-payload
 * The value of one approval interrupt (LangChain `approvalMiddleware`, LangGraph
 * `createApprovalNode`): the call under review, how to ask about it, and the same call in the
 * shapes the reviewer UIs LangChain users run already read: LangChain's `HITLRequest`
 * (`actionRequests` / `reviewConfigs`) and Agent Inbox's `HumanInterrupt` (`action_request` /
 * `config` / `description`). JSON only: it is stored in the checkpoint.
 */
import type { DecisionType } from "../actions/action-status.js";
import { type ApproverFields, approverFieldsOf } from "../actions/approval-rules.js";
import type { AlertSeverity } from "../alerts/safety-alert.js";
import type { PolicyVerdict, TimeoutFallback } from "../policies/define-policies.js";
import { hashArgs, type JsonObject } from "../util/json.js";
import { decisionJsonSchema } from "./decision-shapes.js";

/** The marker of an approval interrupt: `payload.kind`. */
export const APPROVAL_KIND = "safeguards.approval" as const;

/** The interrupt value of one flagged tool call. */
export interface ApprovalPayload {
  kind: typeof APPROVAL_KIND;
  tool_call_id: string;
  /** The tool's name. */
  name: string;
  args: JsonObject;
  /** `sha256:<hex>` of the canonical JSON of `args`; a decision may echo it as `argsHash`. */
  args_hash: string;
  /** JSON Schema of `args` (what edited arguments must satisfy), when the tool is known. */
  args_schema?: JsonObject;
  title: string;
  description: string;
  /** The tool's own description, when the tool is known. */
  tool_description?: string;
  severity: AlertSeverity;
  allowed_decisions: DecisionType[];
  /** The policy's timeout; interrupts never expire by themselves (the inbox bridge enforces it). */
  timeout_seconds?: number;
  on_timeout: TimeoutFallback;
  agent_id: string;
  /** The policy's assignees (names, `group:<name>`), filed with the inbox by the inbox bridge. */
  assignees?: string[];
  /** The policy's required approvals (distinct approvers) when more than one. */
  required_approvals?: number;
  /** The policy's escalation steps. */
  escalation?: { after_seconds: number; assignees: string[] }[];
  channel?: string;
  policy_error?: string;
  /** The policy's alerts and the tool call id, as filed with the inbox. */
  metadata: JsonObject;
  /** Id of the AI message that made the call. */
  ai_message_id?: string;
  /** When the call was flagged (ISO 8601, UTC). */
  requested_at: string;
  /** JSON Schema of the resume values this interrupt accepts. */
  response_schema: JsonObject;
  /** LangChain `HITLRequest`: this one call. */
  actionRequests: [{ name: string; args: JsonObject; description: string }];
  /** LangChain `HITLRequest` (`modify` is called `edit` there). */
  reviewConfigs: [
    {
      actionName: string;
      allowedDecisions: ("approve" | "edit" | "reject")[];
      argsSchema?: JsonObject;
    },
  ];
  /** Agent Inbox `HumanInterrupt`: the call. */
  action_request: { action: string; args: JsonObject };
  /** Agent Inbox `HumanInterrupt`: the buttons it may show. */
  config: {
    allow_accept: boolean;
    allow_edit: boolean;
    allow_ignore: boolean;
    allow_respond: boolean;
  };
}

/** Input of {@link buildApprovalPayload}. */
export interface ApprovalPayloadInput {
  toolCallId: string;
  toolName: string;
  args: JsonObject;
  /** The policy's verdict for the call (a required one). */
  verdict: Extract<PolicyVerdict, { required: true }>;
  agentId: string;
  argsSchema?: JsonObject | undefined;
  toolDescription?: string | undefined;
  aiMessageId?: string | undefined;
  requestedAt: Date;
}

/** Builds the interrupt value of one flagged call. */
export function buildApprovalPayload(input: ApprovalPayloadInput): ApprovalPayload {
  const { verdict } = input;
  const allowed = [...verdict.allowedDecisions];
  const schema = input.argsSchema;
  return {
    kind: APPROVAL_KIND,
    tool_call_id: input.toolCallId,
    name: input.toolName,
    args: input.args,
    args_hash: hashArgs(input.args),
    ...(schema ? { args_schema: schema } : {}),
    title: verdict.title,
    description: verdict.description,
    ...(input.toolDescription ? { tool_description: input.toolDescription } : {}),
    severity: verdict.severity,
    allowed_decisions: allowed,
    ...(verdict.timeoutSeconds !== undefined ? { timeout_seconds: verdict.timeoutSeconds } : {}),
    on_timeout: verdict.onTimeout,
    agent_id: input.agentId,
    ...approverPayload(verdict),
    ...(verdict.channel !== undefined ? { channel: verdict.channel } : {}),
    ...(verdict.policyError !== undefined ? { policy_error: verdict.policyError } : {}),
    metadata: approvalMetadata(verdict, input.toolCallId),
    ...(input.aiMessageId !== undefined ? { ai_message_id: input.aiMessageId } : {}),
    requested_at: input.requestedAt.toISOString(),
    response_schema: decisionJsonSchema(),
    actionRequests: [{ name: input.toolName, args: input.args, description: verdict.description }],
    reviewConfigs: [
      {
        actionName: input.toolName,
        allowedDecisions: allowed.map((d) => (d === "modify" ? "edit" : d)),
        ...(schema ? { argsSchema: schema } : {}),
      },
    ],
    action_request: { action: input.toolName, args: input.args },
    config: {
      allow_accept: allowed.includes("approve"),
      allow_edit: allowed.includes("modify"),
      allow_ignore: allowed.includes("reject"),
      allow_respond: allowed.includes("reject"),
    },
  };
}

/** The payload's approver fields (snake_case, JSON for the checkpoint) of a verdict. */
function approverPayload(
  verdict: ApproverFields,
): Pick<ApprovalPayload, "assignees" | "required_approvals" | "escalation"> {
  const fields = approverFieldsOf(verdict);
  return {
    ...(fields.assignees ? { assignees: fields.assignees } : {}),
    ...(fields.requiredApprovals !== undefined
      ? { required_approvals: fields.requiredApprovals }
      : {}),
    ...(fields.escalation
      ? {
          escalation: fields.escalation.map((s) => ({
            after_seconds: s.afterSeconds,
            assignees: s.assignees,
          })),
        }
      : {}),
  };
}

/**
 * The approver fields of an interrupt's payload, as `requestAction` takes them (what the
 * inbox bridge files); `requestAction` refuses fields that break the protocol's limits.
 */
export function payloadApprovers(payload: ApprovalPayload): ApproverFields {
  const fields: ApproverFields = {};
  if (payload.assignees !== undefined) fields.assignees = payload.assignees;
  if (payload.required_approvals !== undefined) {
    fields.requiredApprovals = payload.required_approvals;
  }
  if (payload.escalation !== undefined) {
    fields.escalation = Array.isArray(payload.escalation)
      ? payload.escalation.map((s) => ({ afterSeconds: s?.after_seconds, assignees: s?.assignees }))
      : payload.escalation;
  }
  return fields; // requestAction checks and copies them
}

/** True when `value` is an {@link ApprovalPayload}. */
export function isApprovalPayload(value: unknown): value is ApprovalPayload {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { kind?: unknown }).kind === APPROVAL_KIND &&
    typeof (value as { tool_call_id?: unknown }).tool_call_id === "string" &&
    typeof (value as { args?: unknown }).args === "object"
  );
}

/** The metadata filed with a flagged call: tool call id, the policy's alerts, channel. */
export function approvalMetadata(
  verdict: Extract<PolicyVerdict, { required: true }>,
  toolCallId: string | undefined,
): JsonObject {
  const metadata: JsonObject = {};
  if (toolCallId !== undefined) metadata.tool_call_id = toolCallId;
  if (verdict.alerts.length > 0) {
    metadata.alerts = verdict.alerts.map((a) => ({
      title: a.title,
      description: a.description,
      severity: a.severity,
    }));
  }
  if (verdict.channel) metadata.channel = verdict.channel;
  if (verdict.policyError) metadata.policy_error = verdict.policyError;
  return metadata;
}

/** When a timeout decision may apply: `requested_at + timeout_seconds`, or undefined without a timeout. */
export function approvalDeadline(payload: ApprovalPayload): Date | undefined {
  if (payload.timeout_seconds === undefined) return undefined;
  const start = Date.parse(payload.requested_at);
  if (!Number.isFinite(start)) return undefined;
  return new Date(start + payload.timeout_seconds * 1000);
}
