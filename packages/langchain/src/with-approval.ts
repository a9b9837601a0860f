/**
 * @module with-approval
 * Wraps one LangChain tool so that calls its policy flags wait for a human decision.
 * The wrapped tool keeps the tool's name, description and schema; un-flagged calls run
 * straight through at the cost of one policy check.
 */
import type { StructuredToolInterface } from "@langchain/core/tools";
import { isStructuredTool } from "@langchain/core/tools";
import {
  CallNotApprovedError,
  type HumanActionHandler,
  InvalidConfigError,
  type JsonObject,
  type Policies,
  type PolicyEntry,
  type PolicyVerdict,
} from "@safeguards/core";
import {
  callCheckFor,
  policiesOf,
  type ReviewCallInput,
  refuseSnakeCaseKeys,
  reviewCall,
} from "@safeguards/core/internal";
import { refusalMessage, withNote } from "./tool-messages.js";
import { callArgsSchema, parseArgs } from "./tool-schema.js";

/** Options of {@link withApproval} and `guardTools`. */
export interface WithApprovalOptions {
  /** Files flagged calls and waits for their decisions (any approval channel). */
  handler: HumanActionHandler;
  /** The agent id reviewers see. @default "langchain-agent" */
  agentId?: string;
}

/** Marks tools wrapped by {@link withApproval} (the middleware does not review them twice). */
export const GUARDED = Symbol.for("safeguards.langchain.guarded");

// biome-ignore lint/suspicious/noExplicitAny: policies are typed per tool by the caller
type AnyPolicyEntry = PolicyEntry<any>;

type CallFn = (args: unknown, runManager: unknown, config: unknown) => Promise<unknown>;

interface ToolCallConfig {
  toolCall?: { id?: string };
  toolCallId?: string;
  signal?: AbortSignal;
}

/** True when `tool` came from {@link withApproval}. */
export function isGuardedTool(tool: unknown): boolean {
  return typeof tool === "object" && tool !== null && GUARDED in tool;
}

/**
 * Returns a tool with the same name, description and schema whose flagged calls wait
 * for a human. `policy` is this tool's entry (`true`, `false` or a `ToolPolicy`) or a
 * `Policies` object (its entry for the tool's name applies).
 *
 * Outcomes: approved -> runs with exactly the approved arguments; modified -> runs with
 * the reviewer's fields merged in and validated by the tool's schema, and the result
 * starts with a note telling the model what changed; rejected, timed out (unless the
 * policy's `onTimeout` is "approve"), cancelled or an invalid modification -> does not
 * run. Invoked as a tool call (by an agent), it then returns a ToolMessage with status
 * "error" and the reason; invoked with plain arguments it throws {@link CallNotApprovedError}.
 */
export function withApproval<T extends StructuredToolInterface>(
  tool: T,
  policy: AnyPolicyEntry | Policies,
  options: WithApprovalOptions,
): T {
  refuseSnakeCaseKeys("withApproval", options);
  if (!isStructuredTool(tool)) {
    throw new InvalidConfigError("withApproval: the tool must be a LangChain StructuredTool");
  }
  if (!options?.handler || typeof options.handler.requestAction !== "function") {
    throw new InvalidConfigError("withApproval: options.handler must be a HumanActionHandler");
  }
  const policies = policiesOf(policy, tool.name);
  const agentId = options.agentId ?? "langchain-agent";
  const original = tool as unknown as { _call: CallFn; responseFormat?: string };
  const guarded = Object.create(tool) as T & { _call: CallFn };
  Object.defineProperty(guarded, GUARDED, { value: true });

  const check = callCheckFor(policies, tool.name, agentId);

  guarded._call = (args, runManager, rawConfig) => {
    const config = (rawConfig ?? {}) as ToolCallConfig;
    const toolCallId = config.toolCall?.id ?? config.toolCallId;
    // Fast path: with a synchronous policy an un-flagged call is handed to the tool as is, no
    // promise of ours in between (each turn costs microseconds inside LangChain's run context).
    const evaluated = check(args as JsonObject, toolCallId);
    if (!(evaluated instanceof Promise) && !evaluated.required) {
      return original._call.call(tool, args, runManager, rawConfig);
    }
    const call = { policies, agentId, toolName: tool.name, args: args as JsonObject, toolCallId };
    return reviewThenCall(call, config, evaluated, [args, runManager, rawConfig]);
  };

  const reviewThenCall = async (
    call: Omit<ReviewCallInput, "handler">,
    config: ToolCallConfig,
    evaluated: PolicyVerdict | Promise<PolicyVerdict>,
    [args, runManager, rawConfig]: Parameters<CallFn>,
  ): Promise<unknown> => {
    const { toolCallId } = call;
    const verdict = await evaluated;
    if (!verdict.required) return original._call.call(tool, args, runManager, rawConfig);
    const review = await reviewCall({
      ...call,
      handler: options.handler,
      schema: callArgsSchema(tool),
      signal: config.signal,
      verdict,
    });
    const contentAndArtifact = original.responseFormat === "content_and_artifact";
    if (!review.run) {
      if (toolCallId === undefined) {
        throw new CallNotApprovedError({
          toolName: tool.name,
          status: review.status,
          reason: review.reason,
          ...(review.action ? { actionId: review.action.id } : {}),
        });
      }
      const message = refusalMessage({ id: toolCallId, name: tool.name }, review.reason);
      return contentAndArtifact ? [message, undefined] : message;
    }
    if (review.note === undefined) return original._call.call(tool, args, runManager, rawConfig);
    const parsed = parseArgs(tool, review.args);
    if (!parsed.ok) throw new Error("unreachable: reviewCall validated the modification");
    const result = await original._call.call(tool, parsed.value, runManager, rawConfig);
    return annotate(result, review.note, contentAndArtifact, toolCallId !== undefined);
  };
  return guarded;
}

function annotate(result: unknown, note: string, pair: boolean, forModel: boolean): unknown {
  if (pair && Array.isArray(result) && result.length === 2) {
    return [annotate(result[0], note, false, forModel), result[1]];
  }
  if (typeof result === "string") return withNote(result, note);
  if (
    !forModel ||
    (typeof result === "object" && result !== null && "lc_direct_tool_output" in result)
  ) {
    return withNote(result, note);
  }
  return withNote(JSON.stringify(result) ?? "", note);
}
