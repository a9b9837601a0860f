/**
 * @module guard-tools
 * Wraps a list of LangChain tools with their per-tool policies.
 */
import type { StructuredToolInterface } from "@langchain/core/tools";
import { InvalidConfigError, isPolicies, type Policies } from "@safeguards/core";
import { type WithApprovalOptions, withApproval } from "./with-approval.js";

/**
 * Wraps each tool with {@link withApproval} and its entry in `policies` (tools without an
 * entry get the policies' default, which asks by default). Tools whose entry is `false`
 * are returned unwrapped: they never need a human.
 * @example
 * const tools = guardTools([transferFunds, getBalance], policies, { handler });
 */
export function guardTools<T extends StructuredToolInterface>(
  tools: readonly T[],
  policies: Policies,
  options: WithApprovalOptions,
): T[] {
  if (!isPolicies(policies)) {
    throw new InvalidConfigError("guardTools: policies must come from definePolicies(...)");
  }
  return tools.map((tool) =>
    policies.entryFor(tool.name) === false ? tool : withApproval(tool, policies, options),
  );
}
