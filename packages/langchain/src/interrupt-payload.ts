/**
 * @module interrupt-payload
 * The value of the `interrupt()` raised for one flagged tool call: our fields
 * (snake_case, like the wire protocol) plus LangChain's `HITLRequest` fields
 * (`actionRequests`, `reviewConfigs`) so UIs built for `humanInTheLoopMiddleware` can
 * render it unchanged.
 */
import type { DecisionType, JsonObject, PolicyVerdict } from "@safeguards/core";

/** Marks our interrupts among others a graph may raise. */
export const APPROVAL_INTERRUPT_TYPE = "safeguards.approval";

/** The interrupt value of one flagged tool call. */
export interface ApprovalInterruptValue {
  type: typeof APPROVAL_INTERRUPT_TYPE;
  tool_call_id: string;
  name: string;
  args: JsonObject;
  /** JSON Schema of the arguments (what a modification must satisfy). */
  args_schema?: JsonObject;
  /** `sha256:<hex>` of the canonical JSON of `args`; a decision may echo it as `argsHash`. */
  args_hash: string;
  title: string;
  description: string;
  severity: string;
  allowed_decisions: DecisionType[];
  /** The policy's timeout; LangGraph interrupts never expire, so a bridge must enforce it. */
  timeout_seconds?: number;
  on_timeout: "reject" | "approve";
  agent_id: string;
  metadata: JsonObject;
  /** LangChain `HITLRequest` compatibility: this one call. */
  actionRequests: [{ name: string; args: JsonObject; description: string }];
  /** LangChain `HITLRequest` compatibility (`modify` is called `edit` there). */
  reviewConfigs: [
    {
      actionName: string;
      allowedDecisions: Array<"approve" | "edit" | "reject">;
      argsSchema?: JsonObject;
    },
  ];
}

/** Input of {@link approvalInterruptValue}. */
export interface ApprovalInterruptInput {
  toolCallId: string;
  toolName: string;
  args: JsonObject;
  argsSchema: JsonObject | undefined;
  argsHash: string;
  agentId: string;
  verdict: Extract<PolicyVerdict, { required: true }>;
  metadata: JsonObject;
}

/** Builds the interrupt value of one flagged call. */
export function approvalInterruptValue(input: ApprovalInterruptInput): ApprovalInterruptValue {
  const { verdict } = input;
  const schema = input.argsSchema ? { args_schema: input.argsSchema } : {};
  return {
    type: APPROVAL_INTERRUPT_TYPE,
    tool_call_id: input.toolCallId,
    name: input.toolName,
    args: input.args,
    ...schema,
    args_hash: input.argsHash,
    title: verdict.title,
    description: verdict.description,
    severity: verdict.severity,
    allowed_decisions: [...verdict.allowedDecisions],
    ...(verdict.timeoutSeconds !== undefined ? { timeout_seconds: verdict.timeoutSeconds } : {}),
    on_timeout: verdict.onTimeout,
    agent_id: input.agentId,
    metadata: input.metadata,
    actionRequests: [{ name: input.toolName, args: input.args, description: verdict.description }],
    reviewConfigs: [
      {
        actionName: input.toolName,
        allowedDecisions: verdict.allowedDecisions.map((d) => (d === "modify" ? "edit" : d)),
        ...(input.argsSchema ? { argsSchema: input.argsSchema } : {}),
      },
    ],
  };
}

/** True when `value` is the interrupt value of a flagged call (ours). */
export function isApprovalInterrupt(value: unknown): value is ApprovalInterruptValue {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { type?: unknown }).type === APPROVAL_INTERRUPT_TYPE &&
    typeof (value as { tool_call_id?: unknown }).tool_call_id === "string"
  );
}
