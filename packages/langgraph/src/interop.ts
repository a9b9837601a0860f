/**
 * @module interop
 * The decisions a reviewer may send back to an approval interrupt, in three shapes:
 * Safeguards' own (`approve` / `modify` / `reject`), LangChain's `HITLResponse` decisions
 * (`approve` / `edit` / `reject`, optionally wrapped in `{ decisions: [d] }`) and Agent Inbox's
 * `HumanResponse` (`accept` / `edit` / `ignore` / `response`). All normalise to one
 * {@link ReviewDecision}; the fields LangChain's `HITLRequest` uses are built here too.
 */
import {
  assertValidModification,
  type DecisionType,
  ErrorCode,
  InvalidModificationError,
  type JsonObject,
  SafeguardsError,
  type TimeoutFallback,
} from "@safeguards/core";
import { z } from "zod";

/** The decision the approval node acts on, whatever shape the reviewer sent. */
export type ReviewDecision =
  | { type: "approve"; reviewer?: string; comments?: string; timedOut?: boolean }
  | { type: "modify"; args: JsonObject; reviewer?: string; comments?: string }
  | { type: "reject"; reason?: string; reviewer?: string; timedOut?: boolean };

/** Safeguards' own resume value. `responseData` holds only the changed fields. */
export interface SafeguardsDecision {
  type: DecisionType;
  responseData?: JsonObject;
  comments?: string;
  reviewer?: string;
  /** Set by the inbox bridge when nobody decided in time. */
  timedOut?: boolean;
}

/** LangChain `HITLRequest` fields carried by every approval payload. */
export interface HitlRequestFields {
  actionRequests: { name: string; args: JsonObject; description?: string }[];
  reviewConfigs: {
    actionName: string;
    allowedDecisions: ("approve" | "edit" | "reject")[];
    argsSchema?: JsonObject;
  }[];
}

/** What a decision is checked against: the call under review. */
export interface DecisionContext {
  toolCallId: string;
  name: string;
  args: JsonObject;
  allowedDecisions: readonly DecisionType[];
  /** The policy's timeout fallback; a timed-out approval is accepted only when it is "approve". */
  onTimeout?: TimeoutFallback;
  /** Extra check of the new arguments (the tool's schema); throws to refuse them. */
  validateArgs?: (args: JsonObject) => void;
}

const record = z.record(z.string(), z.unknown());
const text = z.string().max(10_000);

const nativeDecision = z.strictObject({
  type: z.enum(["approve", "modify", "reject"]),
  responseData: record.optional(),
  comments: text.optional(),
  reviewer: text.optional(),
  timedOut: z.boolean().optional(),
});

const oneDecision = z.union([
  nativeDecision,
  z.strictObject({ type: z.literal("reject"), message: text.optional() }),
  z.strictObject({
    type: z.literal("edit"),
    editedAction: z.strictObject({ name: z.string(), args: record }),
  }),
  z.strictObject({
    type: z.enum(["accept", "edit", "ignore", "response"]),
    args: z.union([z.null(), z.string(), z.strictObject({ action: z.string(), args: record })]),
  }),
]);

/** Zod schema of every accepted resume value shape (without the per-call checks). */
export const decisionShapeSchema = z.union([
  oneDecision,
  z.strictObject({ decisions: z.array(oneDecision).length(1) }),
]);

/** A resume value in any accepted shape. */
export type DecisionInput = z.infer<typeof decisionShapeSchema>;

/**
 * The `responseSchema` of one call's interrupt: the accepted shapes, refined so a decision
 * that is not allowed, or a modification that is not valid, is refused before it is saved.
 */
export function decisionSchemaFor(ctx: DecisionContext) {
  return decisionShapeSchema.superRefine((value, issues) => {
    try {
      normalizeDecision(value, ctx);
    } catch (error) {
      issues.addIssue({
        code: "custom",
        message: error instanceof Error ? error.message : String(error),
      });
    }
  });
}

/**
 * Turns a resume value of any accepted shape into a {@link ReviewDecision}, checking it
 * against the call: allowed decision types, the tool name, only existing fields changed,
 * and `ctx.validateArgs`. Throws a {@link SafeguardsError} when it is refused.
 */
export function normalizeDecision(input: unknown, ctx: DecisionContext): ReviewDecision {
  const parsed = decisionShapeSchema.safeParse(input);
  if (!parsed.success) {
    throw new SafeguardsError(
      ErrorCode.INVALID_ARGUMENT,
      `Decision for tool call ${ctx.toolCallId} has no accepted shape: ${z.prettifyError(parsed.error)}`,
    );
  }
  const value = "decisions" in parsed.data ? parsed.data.decisions[0]! : parsed.data;
  const decision = toReviewDecision(value, ctx);
  const kind: DecisionType = decision.type;
  const timedOut = "timedOut" in decision && decision.timedOut === true;
  if (timedOut && kind === "approve" && ctx.onTimeout !== "approve") {
    throw new SafeguardsError(
      ErrorCode.DECISION_NOT_ALLOWED,
      `Tool call ${ctx.toolCallId} may not run on timeout (its policy's onTimeout is "reject")`,
    );
  }
  if (!ctx.allowedDecisions.includes(kind) && !timedOut) {
    throw new SafeguardsError(
      ErrorCode.DECISION_NOT_ALLOWED,
      `Decision "${kind}" is not allowed for tool call ${ctx.toolCallId} (allowed: ${ctx.allowedDecisions.join(", ")})`,
    );
  }
  if (decision.type === "modify") {
    const request = {
      id: ctx.toolCallId,
      action: { name: ctx.name, args: ctx.args },
      metadata: {},
    };
    assertValidModification(request, decision.args);
    assertJson(decision.args, ctx.toolCallId);
    ctx.validateArgs?.(decision.args);
  }
  return decision;
}

type OneDecision = z.infer<typeof oneDecision>;

function toReviewDecision(value: OneDecision, ctx: DecisionContext): ReviewDecision {
  if ("editedAction" in value) return edited(value.editedAction, ctx, {});
  if ("message" in value) {
    return { type: "reject", ...(value.message !== undefined ? { reason: value.message } : {}) };
  }
  if ("args" in value) {
    switch (value.type) {
      case "accept":
        return { type: "approve" };
      case "ignore":
        return { type: "reject", reason: "The reviewer chose to ignore this call." };
      case "response":
        return {
          type: "reject",
          reason: typeof value.args === "string" ? value.args : "The reviewer responded instead.",
        };
      default:
        if (value.args === null || typeof value.args !== "object") {
          throw new InvalidModificationError(
            `Edit of tool call ${ctx.toolCallId} needs args: { action, args }`,
          );
        }
        return edited({ name: value.args.action, args: value.args.args }, ctx, {});
    }
  }
  return fromNative(value as z.infer<typeof nativeDecision>, ctx);
}

function fromNative(value: z.infer<typeof nativeDecision>, ctx: DecisionContext): ReviewDecision {
  const extra = (v: { comments?: string; reviewer?: string }) => ({
    ...(v.comments !== undefined ? { comments: v.comments } : {}),
    ...(v.reviewer !== undefined ? { reviewer: v.reviewer } : {}),
  });
  const timedOut = value.timedOut === true ? { timedOut: true } : {};
  if (value.type === "approve") return { type: "approve", ...extra(value), ...timedOut };
  if (value.type === "reject") {
    return {
      type: "reject",
      ...(value.comments !== undefined ? { reason: value.comments } : {}),
      ...(value.reviewer !== undefined ? { reviewer: value.reviewer } : {}),
      ...timedOut,
    };
  }
  const changes = value.responseData;
  if (!changes) {
    throw new InvalidModificationError(
      `Modification of tool call ${ctx.toolCallId} needs responseData (the changed fields)`,
    );
  }
  const request = { id: ctx.toolCallId, action: { name: ctx.name, args: ctx.args }, metadata: {} };
  assertValidModification(request, changes);
  return { type: "modify", args: { ...ctx.args, ...(changes as JsonObject) }, ...extra(value) };
}

function edited(
  action: { name: string; args: Record<string, unknown> },
  ctx: DecisionContext,
  extra: { comments?: string },
): ReviewDecision {
  if (action.name !== ctx.name) {
    throw new InvalidModificationError(
      `Edit of tool call ${ctx.toolCallId} renames tool ${ctx.name} to ${action.name}; only arguments may change`,
    );
  }
  return { type: "modify", args: action.args as JsonObject, ...extra };
}

function assertJson(args: JsonObject, toolCallId: string): void {
  try {
    JSON.stringify(args);
  } catch {
    throw new InvalidModificationError(`Modified arguments of ${toolCallId} are not JSON`);
  }
}

/** Our decision types in LangChain's vocabulary (`modify` is LangChain's `edit`). */
export function toLangChainDecisions(
  allowed: readonly DecisionType[],
): ("approve" | "edit" | "reject")[] {
  return allowed.map((d) => (d === "modify" ? "edit" : d));
}

/** The `HITLRequest` fields (one action) for a call under review. */
export function hitlRequestFields(input: {
  name: string;
  args: JsonObject;
  description: string;
  allowedDecisions: readonly DecisionType[];
  argsSchema?: JsonObject;
}): HitlRequestFields {
  return {
    actionRequests: [{ name: input.name, args: input.args, description: input.description }],
    reviewConfigs: [
      {
        actionName: input.name,
        allowedDecisions: toLangChainDecisions(input.allowedDecisions),
        ...(input.argsSchema ? { argsSchema: input.argsSchema } : {}),
      },
    ],
  };
}
