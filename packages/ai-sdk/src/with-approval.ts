/**
 * @module with-approval
 * Wraps one AI SDK `tool()` so that calls its policy flags wait for a human decision
 * before `execute` runs. The wrapped tool keeps everything else (description, schema,
 * `toModelOutput`, ...); un-flagged calls go straight to `execute` at the cost of one
 * policy check (core's `callCheckFor`, prepared when the tool is wrapped).
 */
import {
  CallNotApprovedError,
  type HumanActionHandler,
  InvalidConfigError,
  isPolicies,
  type JsonObject,
  type Policies,
  type PolicyEntry,
  type PolicyVerdict,
} from "@safeguards/core";
import {
  callCheckFor,
  neverFlags,
  policiesOf,
  refuseSnakeCaseKeys,
  reviewCall,
} from "@safeguards/core/internal";
import type { Tool, ToolExecutionOptions } from "ai";
import { defaultModelOutput, withNote } from "./model-output.js";
import { type InputSchema, inputSchemaOf } from "./tool-schema.js";

/** Options of {@link withApproval} and `guardTools`. */
export interface WithApprovalOptions {
  /** Files flagged calls and waits for their decisions (any approval channel). */
  handler: HumanActionHandler;
  /** The agent id reviewers see. @default "ai-sdk-agent" */
  agentId?: string;
}

/** Options of {@link withApproval} for one tool. */
export interface WithApprovalToolOptions extends WithApprovalOptions {
  /**
   * The tool's name as the model calls it (its key in `tools`): reviewers see it, and a
   * `Policies` object is looked up by it. Required with a `Policies` object. @default "tool"
   */
  name?: string;
}

/** Marks tools wrapped by {@link withApproval}. */
export const GUARDED = Symbol.for("safeguards.ai-sdk.guarded");

// biome-ignore lint/suspicious/noExplicitAny: policies are typed per tool by the caller
type AnyPolicyEntry = PolicyEntry<any>;
type Execute = (input: unknown, options: ToolExecutionOptions<unknown>) => unknown;
type Decision =
  | { run: true; input: unknown; note?: string }
  | { run: false; error: CallNotApprovedError };
type ToModelOutput = NonNullable<Tool["toModelOutput"]>;

/** True when `tool` came from {@link withApproval}. */
export function isGuardedTool(tool: unknown): boolean {
  return typeof tool === "object" && tool !== null && GUARDED in tool;
}

/**
 * Returns the tool with an `execute` whose flagged calls wait for a human. `policy` is this
 * tool's entry (`true`, `false` or a `ToolPolicy`) or a `Policies` object (give `name`).
 * An un-flagged call gets the tool's own `execute` result (with a synchronous `when`, no
 * promise of ours in between); a tool its `definePolicies` entry never flags (`false`,
 * `when: false`) keeps its own `execute`.
 *
 * Outcomes: approved -> `execute` runs with exactly the approved input; modified -> runs
 * with the reviewer's fields merged in, validated (and parsed) by the tool's `inputSchema`,
 * and the model's view of the result (`toModelOutput`) starts with a note of the change;
 * rejected, timed out (unless the policy's `onTimeout` is "approve"), cancelled or an
 * invalid modification -> `execute` does not run and throws {@link CallNotApprovedError},
 * which the AI SDK hands to the model as the call's error result (the reason).
 */
export function withApproval<T extends Tool>(
  tool: T,
  policy: AnyPolicyEntry | Policies,
  options: WithApprovalToolOptions,
): T {
  refuseSnakeCaseKeys("withApproval", options);
  if (!options?.handler || typeof options.handler.requestAction !== "function") {
    throw new InvalidConfigError("withApproval: options.handler must be a HumanActionHandler");
  }
  if (isPolicies(policy) && !options.name) {
    throw new InvalidConfigError("withApproval: with a Policies object, give options.name");
  }
  const execute = tool.execute as Execute | undefined;
  if (tool.isProviderExecuted === true || typeof execute !== "function") {
    throw new InvalidConfigError(
      "withApproval: the tool has no execute function that runs here (a client-side or provider-executed tool), so its calls cannot be held for approval",
    );
  }
  const name = options.name ?? "tool";
  const policies = policiesOf(policy, name);
  // Never flagged (`false`, `when: false`): nothing to hold, the tool is handed back as is.
  if (neverFlags(policies, name)) return markGuarded({ ...tool });
  const agentId = options.agentId ?? "ai-sdk-agent";
  const check = callCheckFor(policies, name, agentId);
  const schema = inputSchemaOf(tool.inputSchema);
  // A modified call's note, kept from its run until the SDK asks for its model output.
  const notes = new Map<string, string>();

  const decide = async (
    input: unknown,
    opts: ToolExecutionOptions<unknown>,
    evaluated: PolicyVerdict | Promise<PolicyVerdict>,
  ): Promise<Decision> => {
    const verdict = await evaluated;
    if (!verdict.required) return { run: true, input };
    const args = input as JsonObject;
    const review = await reviewCall({
      policies,
      handler: options.handler,
      agentId,
      toolName: name,
      args,
      toolCallId: opts.toolCallId,
      schema,
      signal: opts.abortSignal,
      verdict,
    });
    if (!review.run) {
      const error = new CallNotApprovedError({
        toolName: name,
        status: review.status,
        reason: review.reason,
        ...(review.action ? { actionId: review.action.id } : {}),
      });
      return { run: false, error };
    }
    if (review.note === undefined) return { run: true, input };
    return { run: true, input: await parsed(schema, review.args), note: review.note };
  };

  const reviewThenRun = async (
    input: unknown,
    opts: ToolExecutionOptions<unknown>,
    evaluated: PolicyVerdict | Promise<PolicyVerdict>,
  ): Promise<unknown> => {
    const decision = await decide(input, opts, evaluated);
    if (!decision.run) throw decision.error;
    const output = await execute(decision.input, opts);
    if (decision.note !== undefined) notes.set(opts.toolCallId, decision.note);
    return output;
  };

  const guardedExecute = isAsyncGenerator(execute)
    ? async function* (input: unknown, opts: ToolExecutionOptions<unknown>) {
        const decision = await decide(input, opts, check(input as JsonObject, opts.toolCallId));
        if (!decision.run) throw decision.error;
        yield* execute(decision.input, opts) as AsyncIterable<unknown>;
        if (decision.note !== undefined) notes.set(opts.toolCallId, decision.note);
      }
    : (input: unknown, opts: ToolExecutionOptions<unknown>) => {
        // Fast path: with a synchronous policy an un-flagged call is handed to execute as is
        // (its own result, no promise or frame of ours in between).
        const evaluated = check(input as JsonObject, opts.toolCallId);
        if (!(evaluated instanceof Promise) && !evaluated.required) return execute(input, opts);
        return reviewThenRun(input, opts, evaluated);
      };

  const ownOutput = tool.toModelOutput as ToModelOutput | undefined;
  const toModelOutput: ToModelOutput = async (options) => {
    const note = notes.get(options.toolCallId);
    notes.delete(options.toolCallId);
    const output = ownOutput ? await ownOutput(options) : defaultModelOutput(options.output);
    return note === undefined ? output : withNote(output, note);
  };

  return markGuarded({ ...tool, execute: guardedExecute, toModelOutput } as T);
}

function markGuarded<T extends Tool>(tool: T): T {
  Object.defineProperty(tool, GUARDED, { value: true });
  return tool;
}

async function parsed(schema: InputSchema, args: JsonObject): Promise<unknown> {
  const result = await schema.parse(args);
  if (!result.ok) throw new Error("unreachable: reviewCall validated the modification");
  return result.value;
}

function isAsyncGenerator(fn: Execute): boolean {
  return Object.prototype.toString.call(fn) === "[object AsyncGeneratorFunction]";
}
