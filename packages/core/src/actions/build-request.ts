/**
 * @module build-request
 * Validates `requestAction` input and builds the {@link ApprovalRequest} a channel files:
 * id, deadline, allowed decisions, a copy of the arguments and their canonical hash.
 */
import { AlertSeverity } from "../alerts/safety-alert.js";
import { ErrorCode, SafeguardsError } from "../errors.js";
import { toCamelCase } from "../util/config.js";
import { hashArgs, type JsonObject } from "../util/json.js";
import { ALL_DECISIONS, type DecisionType } from "./action-status.js";
import type { ActionCall, ApprovalRequest, EscalationStep } from "./approval-request.js";
import { approverFieldsOf, assertApprovalRules } from "./approval-rules.js";
import type { HumanAction } from "./human-action.js";

/** Called once with the final {@link HumanAction}; may be async. */
export type ActionCallback = (action: HumanAction) => void | Promise<void>;

/** Input of {@link HumanActionHandler.requestAction}. */
export interface RequestActionInput {
  title: string;
  description: string;
  agentId: string;
  metadata?: JsonObject;
  /** The tool call to approve; its arguments are hashed so only they (or a modification) run. */
  action?: ActionCall;
  /** @default ["approve", "modify", "reject"] */
  allowedDecisions?: readonly DecisionType[];
  /** Overrides the handler's timeout for this action. */
  timeoutSeconds?: number;
  /** Called once each with the final action. */
  callbacks?: readonly ActionCallback[];
  /** @default "WARNING" */
  severity?: AlertSeverity;
  /** Client-made id (idempotency key). @default `act_<ULID>` */
  id?: string;
  /**
   * Reviewer names and `group:<name>` entries who may decide.
   * @default every reviewer with the right to the agent and tool
   */
  assignees?: readonly string[];
  /** How many distinct eligible reviewers must approve; a rejection is a veto. @default 1 */
  requiredApprovals?: number;
  /**
   * When the action is still pending `afterSeconds` after the request, `assignees` may decide
   * too (and are told). Steps in increasing `afterSeconds`, each before the timeout.
   */
  escalation?: readonly EscalationStep[];
}

function invalid(message: string): SafeguardsError {
  return new SafeguardsError(ErrorCode.INVALID_ARGUMENT, message);
}

/** Throws SAFEGUARDS_INVALID_ARGUMENT unless `value` is a positive, finite number of seconds. */
export function assertSeconds(name: string, value: unknown): asserts value is number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw invalid(`${name} must be a positive number of seconds (got ${String(value)})`);
  }
}

/** What {@link buildApprovalRequest} needs besides the input. */
export interface BuildRequestContext {
  /** Current time, ms since the epoch. */
  now: number;
  /** Timeout used when the input sets none. */
  defaultTimeoutSeconds: number;
  /** Makes an id when the input brings none. */
  newId: () => string;
}

/** Validates `input` (clear SAFEGUARDS_INVALID_ARGUMENT errors) and builds the request. */
export function buildApprovalRequest(
  input: RequestActionInput,
  context: BuildRequestContext,
): ApprovalRequest {
  if (!input || typeof input !== "object") throw invalid("requestAction needs an input object");
  const snake = Object.keys(input).find((key) => key.includes("_"));
  if (snake) {
    throw invalid(
      `requestAction: key "${snake}" is snake_case; use "${toCamelCase(snake)}" instead`,
    );
  }
  for (const key of ["title", "description", "agentId"] as const) {
    if (typeof input[key] !== "string" || (key !== "description" && input[key].length === 0)) {
      throw invalid(`requestAction: "${key}" must be a non-empty string`);
    }
  }
  const timeout = input.timeoutSeconds ?? context.defaultTimeoutSeconds;
  assertSeconds("timeoutSeconds", timeout);
  const allowed = [...(input.allowedDecisions ?? ALL_DECISIONS)];
  if (allowed.length === 0 || allowed.some((d) => !ALL_DECISIONS.includes(d))) {
    throw invalid(`allowedDecisions must be a non-empty subset of ${ALL_DECISIONS.join(", ")}`);
  }
  const severity = input.severity ?? AlertSeverity.WARNING;
  if (!Object.values(AlertSeverity).includes(severity)) {
    throw invalid(`Unknown severity ${severity}`);
  }
  const request: ApprovalRequest = {
    id: input.id ?? context.newId(),
    title: input.title,
    description: input.description,
    severity,
    agentId: input.agentId,
    metadata: { ...(input.metadata ?? {}) },
    allowedDecisions: [...new Set(allowed)],
    createdAt: new Date(context.now),
    expiresAt: new Date(context.now + timeout * 1000),
  };
  assertApprovalRules(input, timeout);
  Object.assign(request, approverFieldsOf(input));
  if (input.action) request.action = copyCall(input.action);
  if (request.action) request.argsHash = hashArgs(request.action.args);
  return request;
}

function copyCall({ name, args, argsSchema }: ActionCall): ActionCall {
  if (typeof name !== "string" || name.length === 0) {
    throw invalid("action.name must be a non-empty string");
  }
  if (!args || typeof args !== "object" || Array.isArray(args)) {
    throw invalid("action.args must be an object");
  }
  const call: ActionCall = { name, args: structuredClone(args) as JsonObject };
  if (argsSchema) call.argsSchema = argsSchema;
  return call;
}
