/**
 * @module protocol/schemas
 * The wire format of PROTOCOL.md (version 1) as zod schemas, shared by the
 * {@link HumanInTheLoopChannel} (client) and `@safeguards/server` (inbox).
 * JSON field names are snake_case on the wire.
 */
import { z } from "zod";
import { findJsonValueIssue } from "./json-value-check.js";
import {
  assigneeListSchema,
  escalationSchema,
  escalationTimingIssue,
  requiredApprovalsSchema,
  wireApprovalSchema,
  wireEscalationSchema,
} from "./quorum-schemas.js";

/** Largest request body the inbox accepts (bytes); larger bodies get 413. */
export const MAX_BODY_BYTES = 256 * 1024;
/** Longest `wait` (seconds) a long poll may ask for. */
export const MAX_WAIT_SECONDS = 60;

/**
 * A JSON object: a plain object (zod's record check and copy, which drops `__proto__` keys)
 * whose values are JSON values, checked without recursion (`json-value-check.ts`).
 */
export const jsonObjectSchema = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  const issue = findJsonValueIssue(value);
  if (issue) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
});

/** Action ids: 1-128 characters of letters, digits, `_`, `-`, `.`, `:`. */
export const actionIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.:-]+$/, "id may hold only letters, digits and _ . : -")
  // "." and ".." would be resolved away as path segments in /actions/{id}: undecidable.
  .refine((id) => id !== "." && id !== "..", 'id may not be "." or ".."');

export const severitySchema = z.enum(["INFO", "WARNING", "ERROR", "CRITICAL"]);
export const decisionTypeSchema = z.enum(["approve", "modify", "reject"]);
export const statusSchema = z.enum([
  "pending",
  "approved",
  "modified",
  "rejected",
  "timed_out",
  "cancelled",
]);
const isoDate = z.iso.datetime({ offset: true });
const argsHashSchema = z
  .string()
  .regex(/^sha256:[0-9a-f]{64}$/, "args_hash must be sha256:<64 lowercase hex>");

/** `action` in a request: the tool call to approve. */
export const wireActionSchema = z.strictObject({
  name: z.string().min(1).max(200),
  args: jsonObjectSchema,
  args_schema: jsonObjectSchema.optional(),
});

/** Body of `POST /request-approval`. */
export const approvalRequestBodySchema = z
  .strictObject({
    id: actionIdSchema,
    title: z.string().min(1).max(500),
    description: z.string().max(20_000),
    severity: severitySchema,
    agent_id: z.string().min(1).max(200),
    metadata: jsonObjectSchema.optional(),
    action: wireActionSchema.optional(),
    args_hash: argsHashSchema.optional(),
    allowed_decisions: z.array(decisionTypeSchema).min(1).max(3).optional(),
    created_at: isoDate.optional(),
    expires_at: isoDate,
    callback_url: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .optional(),
    assignees: assigneeListSchema.optional(),
    required_approvals: requiredApprovalsSchema.optional(),
    escalation: escalationSchema.optional(),
  })
  .superRefine((body, ctx) => {
    if (body.escalation && body.created_at) {
      const issue = escalationTimingIssue(
        body.escalation,
        Date.parse(body.created_at),
        Date.parse(body.expires_at),
      );
      if (issue) {
        ctx.addIssue({
          code: "custom",
          path: ["escalation", issue.index, "after_seconds"],
          message: issue.message,
        });
      }
    }
    if (body.action !== undefined && body.args_hash === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["args_hash"],
        message: "args_hash is required when action is present",
      });
    }
    if (body.action === undefined && body.args_hash !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["args_hash"],
        message: "args_hash is only allowed with action",
      });
    }
  });
export type ApprovalRequestBody = z.infer<typeof approvalRequestBodySchema>;

/** A decision as stored in a record. */
export const wireDecisionSchema = z.object({
  type: z.enum(["approve", "modify", "reject", "timeout", "cancel"]),
  response_data: jsonObjectSchema.nullable().optional(),
  comments: z.string().nullable().optional(),
  reviewer: z.string().nullable().optional(),
  decided_at: isoDate,
  /** The approvals that settled it (approve, modify), or those made before it (others). */
  approvals: z.array(wireApprovalSchema).optional(),
});
export type WireDecision = z.infer<typeof wireDecisionSchema>;

/** The action record the inbox answers with. */
/**
 * `agent_timeout` of a record (PROTOCOL.md, extensions): the agent gave up waiting at
 * `timed_out_at` (its own deadline, while it could not reach the inbox) and so did not act on
 * the decision; it told the inbox at `reported_at`.
 */
export const agentTimeoutSchema = z.object({
  timed_out_at: isoDate,
  reported_at: isoDate,
});
export type AgentTimeout = z.infer<typeof agentTimeoutSchema>;

/** Body of `POST /actions/{id}/agent-timeout` (agent): when its own deadline passed. */
export const agentTimeoutBodySchema = z.strictObject({ timed_out_at: isoDate });
export type AgentTimeoutBody = z.infer<typeof agentTimeoutBodySchema>;

export const actionRecordSchema = z.object({
  id: actionIdSchema,
  status: statusSchema,
  title: z.string(),
  description: z.string(),
  severity: severitySchema,
  agent_id: z.string(),
  metadata: jsonObjectSchema,
  action: wireActionSchema.nullable().optional(),
  args_hash: z.string().nullable().optional(),
  allowed_decisions: z.array(decisionTypeSchema),
  created_at: isoDate,
  expires_at: isoDate,
  decision: wireDecisionSchema.nullable(),
  /** Absent (or null) unless the agent reported that it timed out locally. */
  agent_timeout: agentTimeoutSchema.nullable().optional(),
  review_url: z.string().optional(),
  /** Who may decide now (escalations included); `null`: every reviewer with rights. */
  assignees: z.array(z.string()).nullable().optional(),
  required_approvals: z.number().int().min(1).optional(),
  /** Approvals so far of the arguments under review. */
  approvals: z.array(wireApprovalSchema).optional(),
  /** The planned escalation steps, as filed (`null` when none). */
  escalation: z
    .array(z.object({ after_seconds: z.number(), assignees: z.array(z.string()) }))
    .nullable()
    .optional(),
  /** The escalation steps applied so far. */
  escalations: z.array(wireEscalationSchema).optional(),
  /**
   * The changes reviewers' `modify` decisions made so far (field -> new value, relative to
   * `action.args`, or `metadata` without an action): the arguments under review are
   * `action.args` with these applied. `null` while nobody modified.
   */
  proposed_changes: jsonObjectSchema.nullable().optional(),
});
export type ActionRecord = z.infer<typeof actionRecordSchema>;

/** Body of `POST /actions/{id}/decision`. */
export const decisionBodySchema = z.strictObject({
  type: decisionTypeSchema,
  response_data: jsonObjectSchema.optional(),
  comments: z.string().max(10_000).optional(),
});
export type DecisionBody = z.infer<typeof decisionBodySchema>;

/** Answer of `GET /decisions`. */
export const decisionsResponseSchema = z.object({
  decisions: z.array(actionRecordSchema),
  cursor: z.string(),
});
export type DecisionsResponse = z.infer<typeof decisionsResponseSchema>;

/** Answer of `GET /actions` (reviewer list). */
export const actionListResponseSchema = z.object({
  actions: z.array(actionRecordSchema),
  next_cursor: z.string().nullable(),
});
export type ActionListResponse = z.infer<typeof actionListResponseSchema>;

/** Body the inbox POSTs to `callback_url`. */
export const callbackBodySchema = z.object({
  type: z.literal("action.decided"),
  data: actionRecordSchema,
});
export type CallbackBody = z.infer<typeof callbackBodySchema>;

/** Stable error codes on the wire. */
export const WireErrorCode = {
  INVALID_REQUEST: "invalid_request",
  UNAUTHORIZED: "unauthorized",
  FORBIDDEN: "forbidden",
  NOT_FOUND: "not_found",
  CONFLICT: "conflict",
  ALREADY_DECIDED: "already_decided",
  /** The reviewer has already approved the arguments under review (quorum). */
  ALREADY_APPROVED: "already_approved",
  EXPIRED: "expired",
  INVALID_MODIFICATION: "invalid_modification",
  DECISION_NOT_ALLOWED: "decision_not_allowed",
  ARGS_HASH_MISMATCH: "args_hash_mismatch",
  PAYLOAD_TOO_LARGE: "payload_too_large",
  METHOD_NOT_ALLOWED: "method_not_allowed",
  UNSUPPORTED_MEDIA_TYPE: "unsupported_media_type",
  CALLBACK_URL_NOT_ALLOWED: "callback_url_not_allowed",
  /** Fewer reviewers may ever decide the action than its `required_approvals` (inbox with accounts). */
  QUORUM_UNREACHABLE: "quorum_unreachable",
  TOO_MANY_PENDING: "too_many_pending",
  TOO_MANY_WAITS: "too_many_waits",
  STILL_PENDING: "still_pending",
  INTERNAL: "internal_error",
} as const;
export type WireErrorCode = (typeof WireErrorCode)[keyof typeof WireErrorCode];

/** Body of every non-2xx answer. */
export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
