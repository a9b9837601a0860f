/**
 * @module define-policies
 * Per-tool approval policies, in code: whether a call needs a human, what the reviewer
 * reads, which decisions are allowed, how long to wait and what happens on timeout.
 * Shared by the LangChain and LangGraph adapters.
 */
import { ALL_DECISIONS, type DecisionType } from "../actions/action-status.js";
import type { ApproverFields } from "../actions/approval-rules.js";
import type { AlertSeverity, SafetyAlert } from "../alerts/safety-alert.js";
import { SEVERITIES } from "../alerts/safety-alert.js";
import { InvalidConfigError } from "../errors.js";
import { refuseSnakeCaseKeys, toCamelCase } from "../util/config.js";
import type { JsonObject } from "../util/json.js";
import { type EntryCheck, entryCheck } from "./entry-check.js";
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
  const checks = new Map<string, EntryCheck>();
  for (const [name, raw] of Object.entries(entries)) {
    const entry = checkEntry(name, raw);
    table.set(name, entry);
    checks.set(name, entryCheck(entry));
  }
  const fallback = checkEntry("default", options.default ?? true);
  const fallbackCheck = entryCheck(fallback);
  const entryFor = (toolName: string) => table.get(toolName) ?? fallback;
  const checkFor = (toolName: string) => checks.get(toolName) ?? fallbackCheck;
  const policies: Policies = {
    entryFor,
    evaluate: async (ctx) => checkFor(ctx.toolName)(ctx),
    evaluateNow: (ctx) => checkFor(ctx.toolName)(ctx),
  };
  CHECKS.set(policies, checkFor);
  return policies;
}

/** The per-tool checks of every `definePolicies` result (entries are fixed at definition). */
const CHECKS = new WeakMap<Policies, (toolName: string) => EntryCheck>();

/**
 * The precomputed check of `toolName` when `policies` came from {@link definePolicies}
 * (its entries never change), else undefined (a hand-written `Policies` is asked per call).
 */
export function entryCheckOf(policies: Policies, toolName: string): EntryCheck | undefined {
  return CHECKS.get(policies)?.(toolName);
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
