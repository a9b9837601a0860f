/**
 * @module define-policies
 * Per-tool approval policies, in code: whether a call needs a human, what the reviewer
 * reads, which decisions are allowed, how long to wait and what happens on timeout.
 * Shared by the LangChain and LangGraph adapters.
 */
import { ALL_DECISIONS, type DecisionType } from "../actions/action-status.js";
import { type ApproverFields, approverFieldsOf } from "../actions/approval-rules.js";
import { AlertSeverity, type SafetyAlert, SEVERITIES } from "../alerts/safety-alert.js";
import { InvalidConfigError } from "../errors.js";
import { refuseSnakeCaseKeys, toCamelCase } from "../util/config.js";
import type { JsonObject } from "../util/json.js";
import { checkPolicyApprovers, type PolicyApprovers } from "./policy-approvers.js";

/** What a policy knows about one tool call. */
export interface PolicyContext<A = JsonObject> {
  toolName: string;
  args: A;
  agentId?: string;
  toolCallId?: string;
}

/** A value given directly or computed from the call. */
export type PolicyValue<T, A> = T | ((ctx: PolicyContext<A>) => T);

/** What happens when nobody decides in time. @default "reject" */
export type TimeoutFallback = "reject" | "approve";

/**
 * The full policy of one tool. Who decides (`assignees`, `requiredApprovals`, `escalation`)
 * is described in {@link PolicyApprovers}.
 */
export interface ToolPolicy<A = JsonObject> extends PolicyApprovers {
  /**
   * Whether this call needs a human. `true`/`false`, or a function (may be async) returning a
   * boolean or safety alerts (non-empty = needs a human; the alerts explain why).
   * @default true
   */
  when?:
    | boolean
    | ((ctx: PolicyContext<A>) => boolean | SafetyAlert[] | Promise<boolean | SafetyAlert[]>);
  /** @default "Approve <tool name>" */
  title?: PolicyValue<string, A>;
  /** @default the alerts' descriptions, or the tool name and arguments */
  description?: PolicyValue<string, A>;
  /** @default ["approve", "modify", "reject"] */
  allowedDecisions?: DecisionType[];
  /** Seconds to wait for a decision. @default the handler's timeout */
  timeoutSeconds?: number;
  /** @default "reject" */
  onTimeout?: TimeoutFallback;
  /** @default the highest alert severity, else "WARNING" */
  severity?: AlertSeverity;
  /** Name of the approval channel to use, where an adapter offers several. */
  channel?: string;
}

/** A policy entry: `true` (always ask), `false` (never ask) or a {@link ToolPolicy}. */
export type PolicyEntry<A = JsonObject> = boolean | ToolPolicy<A>;

/** The outcome of evaluating policies for one call. */
export type PolicyVerdict =
  | { required: false }
  | (ApproverFields & {
      required: true;
      title: string;
      description: string;
      allowedDecisions: DecisionType[];
      timeoutSeconds?: number;
      onTimeout: TimeoutFallback;
      severity: AlertSeverity;
      channel?: string;
      /** Alerts from the policy's `when`, if it returned any. */
      alerts: SafetyAlert[];
      /** Set when the policy itself failed (the call then needs a human: fail closed). */
      policyError?: string;
    });

/** Evaluates per-tool policies. */
export interface Policies {
  /** Whether the call needs a human and, if so, how to ask. Never throws: a failing policy asks. */
  evaluate(ctx: PolicyContext<JsonObject>): Promise<PolicyVerdict>;
  /**
   * The same verdict, synchronously when the policy's `when` is synchronous (a promise
   * only when it returns one), so a wrapper can run an un-flagged call without a promise
   * turn. Optional for hand-written `Policies`; `definePolicies` provides it.
   */
  evaluateNow?(ctx: PolicyContext<JsonObject>): PolicyVerdict | Promise<PolicyVerdict>;
  /** The entry that applies to `toolName` (its own, else the default). */
  entryFor(toolName: string): PolicyEntry<JsonObject>;
}

/** Options of {@link definePolicies}. */
export interface DefinePoliciesOptions {
  /** Policy of tools not listed. A forgotten tool is asked about, never run silently. @default true */
  default?: PolicyEntry<JsonObject>;
}

// biome-ignore lint/suspicious/noExplicitAny: policies are typed per tool by the caller
type AnyPolicyEntry = PolicyEntry<any>;

/**
 * Defines per-tool policies.
 * @example
 * definePolicies({ transfer_funds: { when: ({ args }) => new Decimal(args.amount).gt("1000.00") },
 *   delete_customer: true, get_balance: false });
 */
export function definePolicies(
  entries: Record<string, AnyPolicyEntry>,
  options: DefinePoliciesOptions = {},
): Policies {
  refuseSnakeCaseKeys("definePolicies options", options);
  const table = new Map<string, PolicyEntry<JsonObject>>();
  for (const [name, entry] of Object.entries(entries)) table.set(name, checkEntry(name, entry));
  const fallback = checkEntry("default", options.default ?? true);
  const entryFor = (toolName: string) => table.get(toolName) ?? fallback;
  return {
    entryFor,
    evaluate: async (ctx) => evaluateEntry(entryFor(ctx.toolName), ctx),
    evaluateNow: (ctx) => evaluateEntry(entryFor(ctx.toolName), ctx),
  };
}

function checkEntry(name: string, entry: AnyPolicyEntry): PolicyEntry<JsonObject> {
  if (typeof entry === "boolean") return entry;
  if (!entry || typeof entry !== "object") {
    throw new InvalidConfigError(`Policy "${name}" must be true, false or a policy object`);
  }
  for (const key of Object.keys(entry)) {
    if (key.includes("_"))
      throw new InvalidConfigError(
        `Policy "${name}": key "${key}" is snake_case; use "${toCamelCase(key)}" instead`,
      );
  }
  if (
    entry.allowedDecisions &&
    (entry.allowedDecisions.length === 0 ||
      entry.allowedDecisions.some((d: string) => !ALL_DECISIONS.includes(d as DecisionType)))
  ) {
    throw new InvalidConfigError(
      `Policy "${name}": allowedDecisions must be a non-empty subset of approve, modify, reject`,
    );
  }
  if (entry.timeoutSeconds !== undefined && !(entry.timeoutSeconds > 0)) {
    throw new InvalidConfigError(`Policy "${name}": timeoutSeconds must be a positive number`);
  }
  if (
    entry.onTimeout !== undefined &&
    entry.onTimeout !== "reject" &&
    entry.onTimeout !== "approve"
  ) {
    throw new InvalidConfigError(`Policy "${name}": onTimeout must be "reject" or "approve"`);
  }
  if (entry.severity !== undefined && !SEVERITIES.includes(entry.severity)) {
    throw new InvalidConfigError(`Policy "${name}": unknown severity ${String(entry.severity)}`);
  }
  const { reviewers: _alias, ...rest } = entry as ToolPolicy<JsonObject>;
  return { ...rest, ...checkPolicyApprovers(name, entry) };
}

/**
 * The verdict of one entry: synchronous when `when` is (the common case, so an un-flagged
 * call costs no promise turn), a promise only when `when` returns one. Never throws or
 * rejects: a failing policy asks a human.
 */
function evaluateEntry(
  entry: PolicyEntry<JsonObject>,
  ctx: PolicyContext<JsonObject>,
): PolicyVerdict | Promise<PolicyVerdict> {
  if (entry === false) return NOT_REQUIRED;
  const policy: ToolPolicy<JsonObject> = entry === true ? {} : entry;
  let returned: boolean | SafetyAlert[] | Promise<boolean | SafetyAlert[]>;
  try {
    const when = policy.when ?? true;
    returned = typeof when === "function" ? when(ctx) : when;
  } catch (error) {
    return failedVerdict(policy, ctx, error);
  }
  if (isPromiseLike(returned)) {
    return Promise.resolve(returned).then(
      (result) => verdictFor(policy, ctx, result),
      (error: unknown) => failedVerdict(policy, ctx, error),
    );
  }
  return verdictFor(policy, ctx, returned);
}

const NOT_REQUIRED: PolicyVerdict = Object.freeze({ required: false });

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

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

/** True when `value` is a {@link Policies} object (from `definePolicies`). */
export function isPolicies(value: unknown): value is Policies {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Policies).evaluate === "function" &&
    typeof (value as Policies).entryFor === "function"
  );
}

/**
 * The {@link Policies} of one tool: `policy` itself when it is a `Policies` object, else a
 * `definePolicies` of that single entry under `toolName` (what `withApproval(tool, entry)` and
 * `needsApprovalFrom(entry)` in every adapter mean).
 */
// biome-ignore lint/suspicious/noExplicitAny: policies are typed per tool by the caller
export function policiesOf(policy: PolicyEntry<any> | Policies, toolName: string): Policies {
  return isPolicies(policy) ? policy : definePolicies({ [toolName]: policy });
}
