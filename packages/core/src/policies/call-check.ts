/**
 * @module call-check
 * The policy check of one tool's calls, prepared once per guarded tool so the adapters'
 * un-flagged path is one function call: the tool's entry is looked up when the tool is
 * wrapped (not per call) for `definePolicies` policies, whose entries never change.
 */
import type { JsonObject } from "../util/json.js";
import { entryCheckOf, type Policies, type PolicyVerdict } from "./define-policies.js";
import { NEVER_FLAGS, toolCheck } from "./entry-check.js";
import { evaluateCall } from "./review-call.js";

/** The verdict for one call of the tool: synchronous when its policy is. Never throws. */
export type CallCheck = (
  args: JsonObject,
  toolCallId: string | undefined,
) => PolicyVerdict | Promise<PolicyVerdict>;

/**
 * The check of `toolName`'s calls under `policies`, as {@link evaluateCall} answers it
 * (same verdicts, same context for `when`). A hand-written `Policies` is asked on every
 * call, as before.
 */
export function callCheckFor(policies: Policies, toolName: string, agentId: string): CallCheck {
  const check = entryCheckOf(policies, toolName);
  if (check === undefined) {
    return (args, toolCallId) => evaluateCall({ policies, agentId, toolName, args, toolCallId });
  }
  return toolCheck(policies.entryFor(toolName), toolName, agentId);
}

/**
 * True when `policies` (from `definePolicies`) never flag `toolName` (`false`, `when: false`),
 * so a wrapper can hand the tool's own function back untouched.
 */
export function neverFlags(policies: Policies, toolName: string): boolean {
  return entryCheckOf(policies, toolName) === NEVER_FLAGS;
}
