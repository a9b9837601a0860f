/**
 * @module resolve-interruptions
 * Asks humans about every pending tool approval of an OpenAI Agents SDK run
 * (`result.interruptions`) through a core `HumanActionHandler`, then records each decision
 * on the run state (`state.approve(item)` / `state.reject(item, { message })`), ready for
 * `run(agent, state)`.
 *
 * Modifications are not offered: the SDK resumes an approved call with the arguments the
 * model produced and has no way to run it with changed ones, so `modify` is removed from
 * the policy's allowed decisions; a decision that still comes back modified is rejected
 * with a note (the changed call never runs as if approved).
 */

import type { RunState, RunToolApprovalItem } from "@openai/agents";
import {
  definePolicies,
  type HumanActionHandler,
  InvalidConfigError,
  isPolicies,
  type Policies,
  type PolicyVerdict,
} from "@safeguards/core";
import { evaluateCall, refuseSnakeCaseKeys, reviewCall } from "@safeguards/core/internal";
import { type InterruptionCall, interruptionCall } from "./interruption-call.js";

/** Options of {@link resolveInterruptions}. */
export interface ResolveInterruptionsOptions {
  /** Files each pending call and waits for its decision (any approval channel). */
  handler: HumanActionHandler;
  /** Titles, descriptions, timeouts (`onTimeout`) and allowed decisions per tool. */
  policies: Policies;
  /** The agent id reviewers see. @default "openai-agent" */
  agentId?: string;
  /** Aborting withdraws the pending requests and rejects; nothing is recorded. */
  signal?: AbortSignal;
}

/** What was decided for one interruption. */
export interface InterruptionDecision {
  item: RunToolApprovalItem;
  toolName: string;
  callId: string | undefined;
  approved: boolean;
  /** The message the model sees for a call that was not approved. */
  reason?: string;
  /** The id of the action filed with the handler (deterministic), when one was filed. */
  actionId?: string;
}

// biome-ignore lint/suspicious/noExplicitAny: any agent's run state
type AnyRunState = RunState<any, any>;

/** A run result as far as {@link resolveInterruptions} reads it. */
export interface InterruptedResult<S extends AnyRunState = AnyRunState> {
  interruptions?: RunToolApprovalItem[] | undefined;
  state: S;
  /** A streamed run's completion (`run(agent, input, { stream: true })`): waited for first. */
  completed?: Promise<unknown>;
}

/**
 * Files every item of `result.interruptions` with `options.handler` (all at once, each its
 * own request, decided one by one), waits for every decision and records it on
 * `result.state`: approved -> `state.approve(item)`; rejected, timed out (unless the
 * policy's `onTimeout` is "approve"), cancelled or unfileable -> `state.reject(item)` with
 * the reason as the message the model sees. A call the SDK interrupted but the policies do
 * not flag is still asked about (never approved unasked). A streamed result
 * (`{ stream: true }`) is waited for (`result.completed`) before its interruptions are read.
 * Returns the state to pass to `run(agent, state)` (streamed or not), and what was decided.
 */
export async function resolveInterruptions<S extends AnyRunState>(
  result: InterruptedResult<S>,
  options: ResolveInterruptionsOptions,
): Promise<{ state: S; decisions: InterruptionDecision[] }> {
  refuseSnakeCaseKeys("resolveInterruptions", options);
  if (!options?.handler || typeof options.handler.requestAction !== "function") {
    throw new InvalidConfigError(
      "resolveInterruptions: options.handler must be a HumanActionHandler",
    );
  }
  if (!isPolicies(options.policies)) {
    throw new InvalidConfigError(
      "resolveInterruptions: options.policies must come from definePolicies",
    );
  }
  const agentId = options.agentId ?? "openai-agent";
  // A streamed result knows its interruptions once the stream has completed.
  if (result.completed !== undefined) await result.completed;
  const items = result.interruptions ?? [];
  const decisions = await Promise.all(items.map((item) => decide(item, options, agentId)));
  for (const decision of decisions) {
    if (decision.approved) result.state.approve(decision.item);
    else result.state.reject(decision.item, { message: decision.reason ?? "Not approved." });
  }
  return { state: result.state, decisions };
}

async function decide(
  item: RunToolApprovalItem,
  options: ResolveInterruptionsOptions,
  agentId: string,
): Promise<InterruptionDecision> {
  const call = interruptionCall(item, agentId);
  const base = { item, toolName: call.toolName, callId: call.callId };
  const verdict = withoutModify(await verdictFor(call, options.policies, agentId));
  const review = await reviewCall({
    policies: options.policies,
    handler: options.handler,
    agentId,
    toolName: call.toolName,
    args: call.args,
    toolCallId: call.callId,
    schema: call.schema,
    signal: options.signal,
    verdict,
    id: call.actionId,
  });
  const actionId = review.action?.id;
  const ids = actionId === undefined ? {} : { actionId };
  if (!review.run) return { ...base, ...ids, approved: false, reason: review.reason };
  if (review.note !== undefined) {
    return {
      ...base,
      ...ids,
      approved: false,
      reason: `A human reviewer modified this call, but this agent cannot run a call with changed arguments, so it was not run. ${review.note}`,
    };
  }
  return { ...base, ...ids, approved: true };
}

/** The policies' verdict; when they do not flag a call the SDK interrupted, ask anyway. */
async function verdictFor(
  call: InterruptionCall,
  policies: Policies,
  agentId: string,
): Promise<PolicyVerdict> {
  const input = { agentId, toolName: call.toolName, args: call.args, toolCallId: call.callId };
  const verdict = await evaluateCall({ ...input, policies });
  if (verdict.required) return verdict;
  return evaluateCall({ ...input, policies: definePolicies({ [call.toolName]: true }) });
}

/** The SDK runs only the model's own arguments: `modify` cannot be honoured here. */
function withoutModify(verdict: PolicyVerdict): PolicyVerdict {
  if (!verdict.required) return verdict;
  const allowed = verdict.allowedDecisions.filter((d) => d !== "modify");
  return { ...verdict, allowedDecisions: allowed.length > 0 ? allowed : ["reject"] };
}
