/**
 * @module interrupts/review-decision
 * Turns a resume value of any accepted shape into one {@link ReviewDecision} and checks it
 * against the call under review. One meaning per decision: `approve` / `accept` run the call
 * as it is; `edit` (LangChain, Agent Inbox) carries the full new arguments; Safeguards'
 * `modify` carries only the changed fields; `reject` / `ignore` / `response` do not run it;
 * `timed_out` applies the policy's `onTimeout`, and only once the call's deadline has passed.
 */

import { z } from "zod";
import type { DecisionType } from "../actions/action-status.js";
import { assertDecisionAllowed } from "../actions/check-decision.js";
import { assertValidModification } from "../actions/modification.js";
import { ErrorCode, InvalidModificationError, SafeguardsError } from "../errors.js";
import { validateJsonSchemaAsync } from "../json-schema/validate-json-schema.js";
import type { TimeoutFallback } from "../policies/define-policies.js";
import { findJsonValueIssue } from "../protocol/json-value-check.js";
import { hashArgs, type JsonObject } from "../util/json.js";
import { type ApprovalPayload, approvalDeadline } from "./approval-payload.js";
import { decisionInputSchema, type OneDecisionInput } from "./decision-shapes.js";

/** What a reviewer decided about one call, whatever shape the UI sent. */
export type ReviewDecision =
  | { type: "approve"; reviewer?: string; comments?: string }
  | {
      type: "modify";
      /** The full arguments the call runs with. */
      args: JsonObject;
      /** The fields that differ from the original arguments. */
      changes: JsonObject;
      reviewer?: string;
      comments?: string;
    }
  | { type: "reject"; reason?: string; reviewer?: string }
  | { type: "timed_out" };

/** The call a decision is checked against. */
export interface CallUnderReview {
  toolCallId: string;
  name: string;
  args: JsonObject;
  allowedDecisions: readonly DecisionType[];
  onTimeout: TimeoutFallback;
  /** When a `timed_out` decision may apply; undefined when the policy set no timeout. */
  deadline?: Date | undefined;
  /** JSON Schema that edited arguments must satisfy. */
  argsSchema?: JsonObject | undefined;
  /** The tool's own check of edited arguments (its zod schema): a problem, or undefined. */
  validateArgs?: ((args: JsonObject) => string | undefined) | undefined;
  /**
   * How many distinct reviewers must approve (the policy's `requiredApprovals`): an approval
   * or modification must then name them in `approvals`. @default 1
   */
  requiredApprovals?: number | undefined;
}

/** The {@link CallUnderReview} of an approval interrupt's payload. */
export function callUnderReview(
  payload: ApprovalPayload,
  validateArgs?: (args: JsonObject) => string | undefined,
): CallUnderReview {
  return {
    toolCallId: payload.tool_call_id,
    name: payload.name,
    args: payload.args,
    allowedDecisions: payload.allowed_decisions,
    onTimeout: payload.on_timeout,
    deadline: approvalDeadline(payload),
    argsSchema: payload.args_schema,
    validateArgs,
    requiredApprovals: payload.required_approvals,
  };
}

/**
 * Normalises and checks a resume value against `call` (every rule except the JSON Schema of
 * the arguments, which {@link checkDecision} adds). Throws a {@link SafeguardsError}:
 * INVALID_ARGUMENT (no accepted shape), ARGS_MISMATCH (`argsHash` of other arguments),
 * DECISION_NOT_ALLOWED (type not allowed, or a timeout before the deadline when the policy
 * runs the call on timeout), INVALID_MODIFICATION (renamed tool, unknown fields, no change,
 * not JSON, or refused by `call.validateArgs`).
 */
export function normalizeDecision(
  input: unknown,
  call: CallUnderReview,
  now: Date = new Date(),
): ReviewDecision {
  const subject = `tool call ${call.toolCallId} (${call.name})`;
  const parsed = decisionInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new SafeguardsError(
      ErrorCode.INVALID_ARGUMENT,
      `The decision for ${subject} has no accepted shape (approve / modify / reject, LangChain's approve / edit / reject, or Agent Inbox's accept / edit / ignore / response): ${z.prettifyError(parsed.error)}`,
      { details: { toolCallId: call.toolCallId } },
    );
  }
  const data = parsed.data;
  const one: OneDecisionInput = Array.isArray(data)
    ? data[0]!
    : "decisions" in data
      ? data.decisions[0]!
      : data;
  if ("argsHash" in one && one.argsHash !== undefined && one.argsHash !== hashArgs(call.args)) {
    throw new SafeguardsError(
      ErrorCode.ARGS_MISMATCH,
      `The decision for ${subject} was made for other arguments (argsHash ${one.argsHash} is not the call's); refused`,
      { details: { toolCallId: call.toolCallId } },
    );
  }
  const decision = toReviewDecision(one, call, subject);
  if (decision.type === "timed_out") {
    assertTimeoutDue(call, now, subject);
    return decision;
  }
  assertDecisionAllowed(call.allowedDecisions, decision.type, subject);
  if (decision.type !== "reject") assertEnoughApprovers(one, call, subject);
  if (decision.type === "modify") assertEditedArgs(decision.args, call, subject);
  return decision;
}

/**
 * A call that needs N approvals is never run on one answer: an approval or modification
 * must name N distinct approvers (`approvals`, which the inbox bridge fills from the inbox's
 * decision). A rejection is a veto and needs none.
 */
function assertEnoughApprovers(one: OneDecisionInput, call: CallUnderReview, subject: string) {
  const required = call.requiredApprovals ?? 1;
  if (required <= 1) return;
  const named = "approvals" in one && Array.isArray(one.approvals) ? one.approvals : [];
  const approvers = new Set(named).size;
  if (approvers >= required) return;
  throw new SafeguardsError(
    ErrorCode.DECISION_NOT_ALLOWED,
    `${subject} needs ${required} approvals from distinct reviewers and this decision names ${approvers}; decide it through an approval inbox (createInboxBridge), which counts them`,
    { details: { toolCallId: call.toolCallId, requiredApprovals: required, approvals: approvers } },
  );
}

/** {@link normalizeDecision} plus the JSON Schema check of edited arguments (off the event loop). */
export async function checkDecision(
  input: unknown,
  call: CallUnderReview,
  now: Date = new Date(),
): Promise<ReviewDecision> {
  const decision = normalizeDecision(input, call, now);
  if (decision.type === "modify" && call.argsSchema) {
    const errors = await validateJsonSchemaAsync(call.argsSchema, decision.args);
    if (errors.length > 0) {
      throw new InvalidModificationError(
        `The edited arguments of tool call ${call.toolCallId} (${call.name}) do not satisfy its schema: ${errors.join("; ")}`,
        { toolCallId: call.toolCallId, errors },
      );
    }
  }
  return decision;
}

function toReviewDecision(
  one: OneDecisionInput,
  call: CallUnderReview,
  subject: string,
): ReviewDecision {
  const who = (v: { reviewer?: string | undefined }) =>
    v.reviewer !== undefined ? { reviewer: v.reviewer } : {};
  if ("editedAction" in one) return edited(one.editedAction, call, subject);
  if ("message" in one) {
    return { type: "reject", ...(one.message !== undefined ? { reason: one.message } : {}) };
  }
  switch (one.type) {
    case "approve":
      return {
        type: "approve",
        ...who(one as { reviewer?: string }),
        ...("comments" in one && one.comments !== undefined ? { comments: one.comments } : {}),
      };
    case "accept":
      return { type: "approve" };
    case "ignore":
      return { type: "reject", reason: "The reviewer chose to ignore this call." };
    case "response": {
      const reply = "args" in one && typeof one.args === "string" ? one.args : undefined;
      return { type: "reject", reason: reply ?? "The reviewer answered instead of running it." };
    }
    case "timed_out":
      return { type: "timed_out" };
    case "reject":
      return {
        type: "reject",
        ...("comments" in one && one.comments !== undefined ? { reason: one.comments } : {}),
        ...who(one as { reviewer?: string }),
      };
    case "edit": {
      const value = "args" in one ? one.args : undefined;
      if (value === null || typeof value !== "object") {
        throw new InvalidModificationError(
          `An edit of ${subject} needs args: { action, args } (the full new arguments)`,
          { toolCallId: call.toolCallId },
        );
      }
      return edited({ name: value.action, args: value.args }, call, subject);
    }
    default: {
      const core = one as { responseData?: Record<string, unknown>; comments?: string };
      if (!core.responseData) {
        throw new InvalidModificationError(
          `A modification of ${subject} needs responseData (the changed fields)`,
          { toolCallId: call.toolCallId },
        );
      }
      assertValidModification(
        { id: call.toolCallId, action: { name: call.name, args: call.args }, metadata: {} },
        core.responseData,
      );
      const changes = core.responseData as JsonObject;
      return {
        type: "modify",
        args: { ...call.args, ...changes },
        changes,
        ...who(one as { reviewer?: string }),
        ...(core.comments !== undefined ? { comments: core.comments } : {}),
      };
    }
  }
}

function edited(
  action: { name: string; args: Record<string, unknown> },
  call: CallUnderReview,
  subject: string,
): ReviewDecision {
  if (action.name !== call.name) {
    throw new InvalidModificationError(
      `An edit of ${subject} renames the tool to ${action.name}; only the arguments may change`,
      { toolCallId: call.toolCallId },
    );
  }
  const args = action.args as JsonObject;
  const changes: JsonObject = {};
  for (const [key, value] of Object.entries(args)) {
    if (JSON.stringify(value) !== JSON.stringify(call.args[key])) changes[key] = value;
  }
  return { type: "modify", args, changes };
}

function assertEditedArgs(args: JsonObject, call: CallUnderReview, subject: string): void {
  const issue = findJsonValueIssue(args);
  if (issue) {
    throw new InvalidModificationError(
      `The edited arguments of ${subject} are not JSON at ${issue.path.join(".") || "(root)"}: ${issue.message}`,
      { toolCallId: call.toolCallId },
    );
  }
  const problem = call.validateArgs?.(args);
  if (problem !== undefined) {
    throw new InvalidModificationError(
      `The edited arguments of ${subject} do not fit the tool's schema: ${problem}`,
      { toolCallId: call.toolCallId, problem },
    );
  }
}

function assertTimeoutDue(call: CallUnderReview, now: Date, subject: string): void {
  if (call.onTimeout !== "approve" || !call.deadline) return;
  if (now.getTime() >= call.deadline.getTime()) return;
  throw new SafeguardsError(
    ErrorCode.DECISION_NOT_ALLOWED,
    `${subject} has not timed out yet (its deadline is ${call.deadline.toISOString()}); a timeout decision that would run it was refused`,
    { details: { toolCallId: call.toolCallId, deadline: call.deadline.toISOString() } },
  );
}
