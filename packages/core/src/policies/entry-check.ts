/**
 * @module entry-check
 * One policy entry turned, once, into the function that answers its verdict for a call.
 * Everything that does not depend on the call (is `when` a function, a constant, absent)
 * is settled when the policies are defined, so an un-flagged call costs the `when` call and
 * one comparison: no allocation, no promise, no lookup. Never throws or rejects: a failing
 * policy asks a human (fail closed).
 */
import { ALL_DECISIONS } from "../actions/action-status.js";
import { approverFieldsOf } from "../actions/approval-rules.js";
import { AlertSeverity, type SafetyAlert, SEVERITIES } from "../alerts/safety-alert.js";
import type { JsonObject } from "../util/json.js";
import type {
  PolicyContext,
  PolicyEntry,
  PolicyValue,
  PolicyVerdict,
  ToolPolicy,
} from "./define-policies.js";

/**
 * The verdict of one entry for one call: synchronous when `when` is (the common case, so an
 * un-flagged call costs no promise turn), a promise only when `when` returns one.
 */
export type EntryCheck = (ctx: PolicyContext<JsonObject>) => PolicyVerdict | Promise<PolicyVerdict>;

/** The one "not required" verdict every check answers (frozen; compare by identity). */
export const NOT_REQUIRED: PolicyVerdict = Object.freeze({ required: false });

/** The check of an entry that never flags (`false`, `{ when: false }`). */
export const NEVER_FLAGS: EntryCheck = () => NOT_REQUIRED;

/** The check of `entry` (already validated by `definePolicies`). */
export function entryCheck(entry: PolicyEntry<JsonObject>): EntryCheck {
  if (entry === false) return NEVER_FLAGS;
  const policy: ToolPolicy<JsonObject> = entry === true ? {} : entry;
  const when = policy.when ?? true;
  if (when === false) return NEVER_FLAGS;
  if (typeof when !== "function") return (ctx) => verdictFor(policy, ctx, when);
  return (ctx) => ask(policy, when, ctx);
}

/** A `when` function, as `definePolicies` validated it. */
type When = Extract<ToolPolicy<JsonObject>["when"], (...args: never[]) => unknown>;

/**
 * The check of `entry` for the calls of one tool by one agent, in one closure: the context is
 * built and `when` asked without a further call of ours (what adapters run per call).
 */
export function toolCheck(
  entry: PolicyEntry<JsonObject>,
  toolName: string,
  agentId: string,
): (args: JsonObject, toolCallId: string | undefined) => PolicyVerdict | Promise<PolicyVerdict> {
  const check = entryCheck(entry);
  const when = entry === true || entry === false ? undefined : entry.when;
  if (typeof entry === "boolean" || typeof when !== "function") {
    return (args, toolCallId) => check(policyContext(toolName, args, agentId, toolCallId));
  }
  return (args, toolCallId) => ask(entry, when, policyContext(toolName, args, agentId, toolCallId));
}

/** Asks `when`; a synchronous `false` is the un-flagged answer, anything else is read. */
function ask(
  policy: ToolPolicy<JsonObject>,
  when: When,
  ctx: PolicyContext<JsonObject>,
): PolicyVerdict | Promise<PolicyVerdict> {
  let returned: unknown;
  try {
    returned = when(ctx);
  } catch (error) {
    return failedVerdict(policy, ctx, error);
  }
  return returned === false ? NOT_REQUIRED : answered(policy, ctx, returned);
}

/**
 * What a policy sees of a call. Built as one of two literals, never by adding a property
 * afterwards: a map reached by a transition is held weakly, so a full garbage collection
 * drops it once no context is alive, and throws away the optimised code of every caller
 * (measured: twice the cost of an un-flagged call in `pnpm bench ai-sdk`).
 */
export function policyContext(
  toolName: string,
  args: JsonObject,
  agentId: string,
  toolCallId: string | undefined,
): PolicyContext {
  return toolCallId === undefined
    ? { toolName, args, agentId }
    : { toolName, args, agentId, toolCallId };
}

/** The verdict for anything but a synchronous `false` from `when`. */
function answered(
  policy: ToolPolicy<JsonObject>,
  ctx: PolicyContext<JsonObject>,
  returned: unknown,
): PolicyVerdict | Promise<PolicyVerdict> {
  if (isPromiseLike(returned)) {
    return Promise.resolve(returned).then(
      (result) => verdictFor(policy, ctx, result),
      (error: unknown) => failedVerdict(policy, ctx, error),
    );
  }
  return verdictFor(policy, ctx, returned);
}

/** The verdict for what `when` answered; a bad answer or a failing title asks a human. */
function verdictFor(
  policy: ToolPolicy<JsonObject>,
  ctx: PolicyContext<JsonObject>,
  result: unknown,
): PolicyVerdict {
  let alerts: SafetyAlert[] = [];
  try {
    if (Array.isArray(result)) {
      if (result.length === 0) return NOT_REQUIRED;
      alerts = result as SafetyAlert[];
    } else if (result !== true) {
      if (result === false) return NOT_REQUIRED;
      throw new TypeError(`"when" returned ${typeof result}; expected boolean or alerts`);
    }
    return {
      required: true,
      title: resolve(policy.title, ctx) ?? `Approve ${ctx.toolName}`,
      description: resolve(policy.description, ctx) ?? describe(ctx, alerts),
      allowedDecisions: [...(policy.allowedDecisions ?? ALL_DECISIONS)],
      ...(policy.timeoutSeconds !== undefined ? { timeoutSeconds: policy.timeoutSeconds } : {}),
      onTimeout: policy.onTimeout ?? "reject",
      severity: policy.severity ?? highestSeverity(alerts),
      ...(policy.channel !== undefined ? { channel: policy.channel } : {}),
      ...approverFieldsOf(policy),
      alerts,
    };
  } catch (error) {
    return failedVerdict(policy, ctx, error, alerts);
  }
}

/**
 * Fail closed: the policy itself failed, so the call needs a human (approve or reject), and
 * still the policy's approvers (a failing `when` never lowers the quorum).
 */
function failedVerdict(
  policy: ToolPolicy<JsonObject>,
  ctx: PolicyContext<JsonObject>,
  error: unknown,
  alerts: SafetyAlert[] = [],
): PolicyVerdict {
  const message = error instanceof Error ? error.message : String(error);
  return {
    required: true,
    title: `Approve ${ctx.toolName} (policy failed)`,
    description: `The approval policy for ${ctx.toolName} failed (${message}), so this call needs a human.\n\n${describe(ctx, alerts)}`,
    allowedDecisions: ["approve", "reject"],
    onTimeout: "reject",
    severity: AlertSeverity.ERROR,
    ...approverFieldsOf(policy),
    alerts,
    policyError: message,
  };
}

function resolve<T>(
  value: PolicyValue<T, JsonObject> | undefined,
  ctx: PolicyContext<JsonObject>,
): T | undefined {
  return typeof value === "function" ? (value as (c: PolicyContext<JsonObject>) => T)(ctx) : value;
}

function describe(ctx: PolicyContext<JsonObject>, alerts: SafetyAlert[]): string {
  const reasons = alerts.map((a) => `- ${a.title}: ${a.description}`).join("\n");
  const call = `${ctx.toolName}(${JSON.stringify(ctx.args)})`;
  return reasons ? `${reasons}\n\nCall: ${call}` : `The agent wants to call ${call}.`;
}

function highestSeverity(alerts: SafetyAlert[]): AlertSeverity {
  let best: AlertSeverity = AlertSeverity.WARNING;
  for (const a of alerts)
    if (SEVERITIES.indexOf(a.severity) > SEVERITIES.indexOf(best)) best = a.severity;
  return best;
}

function isPromiseLike<T>(value: unknown): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}
