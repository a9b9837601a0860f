/**
 * @module guard-tools
 * Wraps an AI SDK `tools` object with per-tool policies.
 */
import { InvalidConfigError, isPolicies, type Policies } from "@safeguards/core";
import type { Tool, ToolSet } from "ai";
import { type WithApprovalOptions, withApproval } from "./with-approval.js";

/**
 * Wraps each tool of `tools` with {@link withApproval} under its key (the name the model
 * calls it by) and its entry in `policies` (tools without an entry get the policies'
 * default, which asks by default). Returned unwrapped: tools whose entry is `false`, and
 * tools without `execute` (they run in the client, not here).
 * @example
 * const tools = guardTools({ transfer_funds: transferFunds, get_balance: getBalance }, policies, { handler });
 */
export function guardTools<T extends ToolSet>(
  tools: T,
  policies: Policies,
  options: WithApprovalOptions,
): T {
  if (!isPolicies(policies)) {
    throw new InvalidConfigError("guardTools: policies must come from definePolicies(...)");
  }
  const guarded: Record<string, Tool> = {};
  for (const [name, tool] of Object.entries(tools) as [string, Tool][]) {
    const runsHere = typeof tool.execute === "function" || tool.isProviderExecuted === true;
    guarded[name] =
      policies.entryFor(name) === false || !runsHere
        ? tool
        : withApproval(tool, policies, { ...options, name });
  }
  return guarded as T;
}
