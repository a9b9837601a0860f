/**
 * @module decisions
 * The answers a reviewer can give to a paused tool call, in the core's names
 * (approve / modify / reject) or in LangChain's `HITLResponse` shape (approve / edit /
 * reject), their zod schemas (an `interrupt()` `responseSchema`), and the checks that
 * refuse a decision before it is saved.
 */
import { type DecisionType, hashArgs, type JsonObject } from "@safeguards/core";
import { z } from "zod";

/** A decision in the core's names. `timed_out` is what a bridge sends when nobody decided. */
export interface CoreDecision {
  type: "approve" | "modify" | "reject" | "timed_out";
  /** For `modify`: the changed fields only (field -> new value). */
  responseData?: JsonObject;
  /** The reviewer's comment; for `reject`, the reason the model is told. */
  comments?: string;
  /** Who decided (for the audit trail and the model's message). */
  reviewer?: string;
  /** The `args_hash` the reviewer saw; refused when it is not the call's. */
  argsHash?: string;
}

/** LangChain's `HITLResponse` decisions (`humanInTheLoopMiddleware`), one per paused call. */
export type HitlDecision =
  | { type: "approve" }
  | { type: "edit"; editedAction: { name: string; args: Record<string, unknown> } }
  | { type: "reject"; message?: string };

/** Any decision this package accepts: core-shaped, HITL-shaped, or `{ decisions: [one] }`. */
export type ApprovalDecisionInput = CoreDecision | HitlDecision | { decisions: [HitlDecision] };

/** A decision after normalisation to the core's names. */
export interface NormalizedDecision {
  type: "approve" | "modify" | "reject" | "timed_out";
  responseData?: JsonObject;
  comments?: string;
  reviewer?: string;
  argsHash?: string;
  /** For a HITL `edit`: the tool name the reviewer sent (must be the call's). */
  toolName?: string;
}

const args = z.record(z.string(), z.unknown());

const coreDecisionSchema = z.strictObject({
  type: z.enum(["approve", "modify", "reject", "timed_out"]),
  responseData: args.optional(),
  comments: z.string().max(10_000).optional(),
  reviewer: z.string().max(200).optional(),
  argsHash: z.string().max(200).optional(),
});

const hitlDecisionSchema = z.union([
  z.strictObject({
    type: z.literal("edit"),
    editedAction: z.strictObject({ name: z.string().min(1), args }),
  }),
  z.strictObject({ type: z.literal("reject"), message: z.string().max(10_000).optional() }),
  z.strictObject({ type: z.literal("approve") }),
]);

/**
 * The shape of every accepted decision (no per-call checks). Use
 * {@link responseSchemaFor} for the schema that also knows the call.
 */
export const decisionSchema = z.union([
  coreDecisionSchema,
  hitlDecisionSchema,
  z.strictObject({ decisions: z.array(hitlDecisionSchema).length(1) }),
]);

/** Converts any accepted decision to the core's names. Throws a ZodError on a bad shape. */
export function normalizeDecision(value: unknown): NormalizedDecision {
  const parsed = decisionSchema.parse(value);
  const one = "decisions" in parsed ? parsed.decisions[0]! : parsed;
  if ("editedAction" in one) {
    return {
      type: "modify",
      responseData: one.editedAction.args as JsonObject,
      toolName: one.editedAction.name,
    };
  }
  if ("message" in one && one.type === "reject") {
    return one.message === undefined
      ? { type: "reject" }
      : { type: "reject", comments: one.message };
  }
  const out: NormalizedDecision = { type: one.type };
  if ("responseData" in one && one.responseData) out.responseData = one.responseData as JsonObject;
  if ("comments" in one && one.comments !== undefined) out.comments = one.comments;
  if ("reviewer" in one && one.reviewer !== undefined) out.reviewer = one.reviewer;
  if ("argsHash" in one && one.argsHash !== undefined) out.argsHash = one.argsHash;
  return out;
}

/** What a decision is checked against: the paused call. */
export interface CallUnderReview {
  toolName: string;
  args: JsonObject;
  allowedDecisions: readonly DecisionType[];
  /** Validates merged arguments; returns a problem or undefined. */
  validateArgs?: (args: JsonObject) => string | undefined;
}

/**
 * Why `decision` cannot be applied to `call`, or undefined when it can: a type that is
 * not allowed, an edit of another tool, a modification that changes no field or unknown
 * fields or fails the tool's schema, or an `argsHash` of other arguments.
 */
export function decisionProblem(
  decision: NormalizedDecision,
  call: CallUnderReview,
): string | undefined {
  if (decision.argsHash !== undefined && decision.argsHash !== hashArgs(call.args)) {
    return "The decision was made for different arguments (argsHash does not match)";
  }
  if (decision.type === "timed_out") return undefined;
  if (!call.allowedDecisions.includes(decision.type)) {
    return `Decision "${decision.type}" is not allowed for ${call.toolName} (allowed: ${call.allowedDecisions.join(", ")})`;
  }
  if (decision.type !== "modify") return undefined;
  if (decision.toolName !== undefined && decision.toolName !== call.toolName) {
    return `An edit may not change the tool (${call.toolName} -> ${decision.toolName})`;
  }
  const changes = decision.responseData ?? {};
  const keys = Object.keys(changes);
  if (keys.length === 0) return "A modification must change at least one field";
  const unknown = keys.filter((k) => !Object.hasOwn(call.args, k));
  if (unknown.length > 0) {
    return `A modification may change only existing fields; unknown: ${unknown.join(", ")}`;
  }
  return call.validateArgs?.({ ...call.args, ...changes });
}

/**
 * The `responseSchema` for one paused call: the accepted shapes plus
 * {@link decisionProblem}, so `interrupt()` refuses a bad answer before it is saved and
 * the call stays pending for a correct one.
 */
export function responseSchemaFor(call: CallUnderReview) {
  return decisionSchema.superRefine((value, ctx) => {
    const problem = decisionProblem(normalizeDecision(value), call);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}
