/**
 * @module review-call
 * The in-process review of one tool call, shared by every adapter (`@safeguards/langchain`'s
 * `withApproval` and middleware, `@safeguards/ai-sdk`'s `withApproval`): evaluate the policy,
 * file the action through the `HumanActionHandler`, wait, and turn the final action into
 * "run with exactly these arguments" or "do not run, because ...". Runtime-neutral: the
 * adapter passes its tool's schema as {@link CallArgsSchema}. Fails closed at every step.
 */
import type { ActionStatus } from "../actions/action-status.js";
import { approverFieldsOf } from "../actions/approval-rules.js";
import type { HumanAction } from "../actions/human-action.js";
import type { HumanActionHandler } from "../actions/human-action-handler.js";
import { isSafeguardsError } from "../errors.js";
import { approvalMetadata } from "../interrupts/approval-payload.js";
import { modificationNote } from "../interrupts/review-outcome.js";
import type { JsonObject } from "../util/json.js";
import { fileOrAdopt } from "./adopt-filed.js";
import type { Policies, PolicyVerdict } from "./define-policies.js";
import { NOT_REQUIRED, policyContext } from "./entry-check.js";
import { resolveOutcome } from "./resolve-outcome.js";

/** A tool's argument schema as an adapter exposes it to {@link reviewCall}. */
export interface CallArgsSchema {
  /** The arguments' JSON Schema, shown to the reviewer (undefined: none). */
  jsonSchema(): JsonObject | undefined | Promise<JsonObject | undefined>;
  /** Why `args` do not fit the schema, or undefined when they do. */
  problem(args: JsonObject): string | undefined | Promise<string | undefined>;
}

/** One tool call to review. */
export interface ReviewCallInput {
  policies: Policies;
  handler: HumanActionHandler;
  agentId: string;
  toolName: string;
  args: JsonObject;
  toolCallId?: string | undefined;
  /** The tool's schema (JSON Schema for the reviewer, validation of modifications). */
  schema?: CallArgsSchema | undefined;
  /** Aborting ends the wait, cancels the request and rethrows; the call does not run. */
  signal?: AbortSignal | undefined;
  /** The policy's verdict when the caller has already asked for it ({@link evaluateCall}). */
  verdict?: PolicyVerdict | undefined;
  /**
   * A deterministic action id (idempotency key): when the handler already holds an action
   * with this id, or the channel refuses to file it again because another process (same
   * agent credential) filed it, that action is waited for instead, provided it asks about
   * the same call (agent, tool, exact arguments, no decision the policy does not allow).
   */
  id?: string | undefined;
}

/** What to do with the call. */
export type ReviewResult =
  | { run: true; args: JsonObject; note?: string; action?: HumanAction }
  | { run: false; reason: string; status: ActionStatus | "failed"; action?: HumanAction };

/**
 * What the policies say of one call (no request is filed): synchronous when the policy is,
 * because inside an agent's run context every promise turn costs microseconds.
 */
export function evaluateCall(
  input: Pick<ReviewCallInput, "policies" | "agentId" | "toolName" | "args" | "toolCallId">,
): PolicyVerdict | Promise<PolicyVerdict> {
  const { policies, toolName, args, agentId, toolCallId } = input;
  if (policies.entryFor(toolName) === false) return NOT_REQUIRED;
  const ctx = policyContext(toolName, args, agentId, toolCallId);
  return policies.evaluateNow ? policies.evaluateNow(ctx) : policies.evaluate(ctx);
}

/** Reviews one call; never runs it. Rethrows only an abort of `signal`. */
export async function reviewCall(input: ReviewCallInput): Promise<ReviewResult> {
  const { handler, args } = input;
  const verdict = input.verdict ?? (await evaluateCall(input));
  if (!verdict.required) return { run: true, args };

  let action: HumanAction;
  try {
    action = await fileCall(input, verdict);
  } catch (error) {
    return {
      run: false,
      status: "failed",
      reason: `This call needs a human's approval, but the request could not be filed (${message(error)}), so it was not run.`,
    };
  }

  try {
    await handler.waitForAction(action, undefined, input.signal ? { signal: input.signal } : {});
  } catch (error) {
    if (input.signal?.aborted) {
      // The run was abandoned: withdraw the request so nobody decides a call that is gone.
      await handler.cancelAction(action).catch(() => undefined);
      throw error;
    }
    return {
      run: false,
      status: "failed",
      action,
      reason: `The wait for a human decision ended (${isSafeguardsError(error) ? error.code : message(error)}), so the call was not run.`,
    };
  }

  const outcome = resolveOutcome(action, args, { onTimeout: verdict.onTimeout });
  if (!outcome.run) return { run: false, status: outcome.status, reason: outcome.reason, action };
  if (!outcome.modified) return { run: true, args: outcome.args, action };
  const problem = await checkArgs(input.schema, outcome.args);
  if (problem) {
    return {
      run: false,
      status: outcome.action.status,
      action,
      reason: `A human reviewer modified this call, but the new arguments are invalid (${problem}), so it was not run.`,
    };
  }
  return {
    run: true,
    args: outcome.args,
    action,
    note: modificationNote(args, outcome.args, action),
  };
}

/**
 * Files the call's request, or (with a deterministic id) picks up the action filed under it
 * before: by this handler, or by another process (the channel refuses a second filing of the
 * id, e.g. the inbox's 409 for a different expiry), after checking it is the same call.
 */
async function fileCall(input: ReviewCallInput, verdict: RequiredVerdict): Promise<HumanAction> {
  const { handler, id, toolName, args } = input;
  const argsSchema = await input.schema?.jsonSchema();
  const request = {
    title: verdict.title,
    description: verdict.description,
    agentId: input.agentId,
    severity: verdict.severity,
    metadata: approvalMetadata(verdict, input.toolCallId),
    action: { name: toolName, args, ...(argsSchema ? { argsSchema } : {}) },
    allowedDecisions: verdict.allowedDecisions,
    ...approverFieldsOf(verdict),
    ...(verdict.timeoutSeconds !== undefined ? { timeoutSeconds: verdict.timeoutSeconds } : {}),
  };
  if (id === undefined) return handler.requestAction(request);
  const expected = {
    agentId: input.agentId,
    toolName,
    args,
    allowedDecisions: request.allowedDecisions,
  };
  return fileOrAdopt(handler, { ...request, id }, expected);
}

type RequiredVerdict = Extract<PolicyVerdict, { required: true }>;

async function checkArgs(
  schema: CallArgsSchema | undefined,
  args: JsonObject,
): Promise<string | undefined> {
  if (!schema) return undefined;
  try {
    return await schema.problem(args);
  } catch (error) {
    return `the arguments could not be validated: ${message(error)}`;
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
