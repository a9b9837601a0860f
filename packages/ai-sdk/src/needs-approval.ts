/**
 * @module needs-approval
 * Policies as the AI SDK's own approval gate: a tool's `needsApproval` that asks for the
 * calls a policy flags, for apps that answer `tool-approval-request` parts themselves (a chat
 * UI) or through the inbox (`decideApprovalRequests`).
 */
import {
  InvalidConfigError,
  isPolicies,
  type JsonObject,
  type Policies,
  type PolicyEntry,
} from "@safeguards/core";
import { callCheckFor, policiesOf } from "@safeguards/core/internal";
import type { Tool, ToolSet } from "ai";

// biome-ignore lint/suspicious/noExplicitAny: policies are typed per tool by the caller
type AnyPolicyEntry = PolicyEntry<any>;

/** Options of {@link needsApprovalFrom}. */
export interface NeedsApprovalOptions {
  /** The tool's name as the model calls it; required with a `Policies` object. @default "tool" */
  name?: string;
  /** The agent id policies see. @default "ai-sdk-agent" */
  agentId?: string;
}

/** A tool's `needsApproval` function (ai 7). */
export type NeedsApproval = (
  input: unknown,
  options: { toolCallId: string },
) => boolean | Promise<boolean>;

/**
 * A tool's `needsApproval` from its policy entry (or a `Policies` object and `name`): true
 * for the calls the policy flags only. Synchronous when the policy is.
 * @example
 * const transfer = tool({ ..., needsApproval: needsApprovalFrom(policies, { name: "transfer_funds" }) });
 */
export function needsApprovalFrom(
  policy: AnyPolicyEntry | Policies,
  options: NeedsApprovalOptions = {},
): NeedsApproval {
  if (isPolicies(policy) && !options.name) {
    throw new InvalidConfigError("needsApprovalFrom: with a Policies object, give options.name");
  }
  const name = options.name ?? "tool";
  const policies = policiesOf(policy, name);
  const check = callCheckFor(policies, name, options.agentId ?? "ai-sdk-agent");
  return (input, { toolCallId }) => {
    const verdict = check(input as JsonObject, toolCallId);
    return verdict instanceof Promise ? verdict.then((v) => v.required) : verdict.required;
  };
}

/**
 * The tools with `needsApproval` set from `policies` under each key (the tool name). Tools
 * whose entry is `false` come back unchanged.
 */
export function requireApprovals<T extends ToolSet>(
  tools: T,
  policies: Policies,
  options: Omit<NeedsApprovalOptions, "name"> = {},
): T {
  if (!isPolicies(policies)) {
    throw new InvalidConfigError("requireApprovals: policies must come from definePolicies(...)");
  }
  const out: Record<string, Tool> = {};
  for (const [name, tool] of Object.entries(tools) as [string, Tool][]) {
    out[name] =
      policies.entryFor(name) === false
        ? tool
        : { ...tool, needsApproval: needsApprovalFrom(policies, { ...options, name }) };
  }
  return out as T;
}
