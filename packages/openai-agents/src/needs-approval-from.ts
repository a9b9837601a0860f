/**
 * @module needs-approval-from
 * Turns a `definePolicies` object into the `needsApproval` function of an OpenAI Agents SDK
 * `tool()`: the SDK then stops the run with an interruption for exactly the calls the
 * policies flag, and `resolveInterruptions` asks a human about them.
 */
import {
  InvalidConfigError,
  type JsonObject,
  type Policies,
  type PolicyEntry,
} from "@safeguards/core";
import { callCheckFor, policiesOf } from "@safeguards/core/internal";

// biome-ignore lint/suspicious/noExplicitAny: policies are typed per tool by the caller
type AnyPolicyEntry = PolicyEntry<any>;

/** Options of {@link needsApprovalFrom}. */
export interface NeedsApprovalFromOptions {
  /** The tool's name (as given to `tool({ name })`): the key its policy is looked up by. */
  name: string;
  /** The agent id the policy sees. @default "openai-agent" */
  agentId?: string;
}

/** The shape of `tool({ needsApproval })`'s function form. */
export type NeedsApprovalFunction = (
  runContext: unknown,
  input: unknown,
  callId?: string,
) => Promise<boolean>;

/**
 * Returns the `needsApproval` of the tool `options.name`: a function that is true when the
 * tool's policy (in `policies`, or the single entry given) flags the call; a policy that
 * throws flags the call (fails closed). An entry that is plainly `true` or `false` is
 * returned as that boolean, so the SDK skips its per-call approval check.
 */
export function needsApprovalFrom(
  policies: Policies | AnyPolicyEntry,
  options: NeedsApprovalFromOptions,
): NeedsApprovalFunction | boolean {
  if (!options || typeof options.name !== "string" || options.name.length === 0) {
    throw new InvalidConfigError("needsApprovalFrom: give options.name, the tool's name");
  }
  const { name } = options;
  const resolved = policiesOf(policies, name);
  const entry = resolved.entryFor(name);
  if (entry === false || entry === true) return entry;
  const check = callCheckFor(resolved, name, options.agentId ?? "openai-agent");
  return async (_runContext, input, callId) => {
    try {
      const verdict = check(asArgs(input), callId);
      // A synchronous policy answers without a further promise turn (one per tool call).
      return verdict instanceof Promise ? (await verdict).required : verdict.required;
    } catch {
      return true;
    }
  };
}

/** The call's input as a JSON object (a non-object input is wrapped as `{ input }`). */
export function asArgs(input: unknown): JsonObject {
  if (typeof input === "object" && input !== null && !Array.isArray(input)) {
    return input as JsonObject;
  }
  return { input: input as JsonObject[string] };
}
