/**
 * @module protocol/quorum-schemas
 * The wire fields of who may decide an action and how many must approve (PROTOCOL.md,
 * "Assignees, quorum and escalation"): reviewer names, `group:<name>` entries, the
 * escalation plan, and the approvals and escalations a record carries. Every field is
 * optional on the wire, so older clients and inboxes keep working.
 */
import { z } from "zod";

/** Longest reviewer name (the inbox's accounts use the same bound). */
export const MAX_REVIEWER_NAME_LENGTH = 100;
/** Longest group name (after `group:`). */
export const MAX_GROUP_NAME_LENGTH = 64;
/** Most entries in one `assignees` list (the request's, or one escalation step's). */
export const MAX_ASSIGNEES = 50;
/** Largest `required_approvals`. */
export const MAX_REQUIRED_APPROVALS = 20;
/** Most steps in `escalation`. */
export const MAX_ESCALATION_STEPS = 10;
/** Largest `after_seconds` of an escalation step (one year). */
export const MAX_ESCALATION_SECONDS = 366 * 24 * 3600;
/** Prefix of a group entry in `assignees`. */
export const GROUP_PREFIX = "group:";

/**
 * Reviewer names: 1-100 characters, no `:` (so `group:` can never be a name), no control or
 * format characters (no NUL, no bidi overrides, no zero-width tricks), single spaces only
 * between words. The inbox's accounts use the same rule.
 */
export const REVIEWER_NAME_PATTERN = /^[^\s:\p{Cc}\p{Cf}]+( [^\s:\p{Cc}\p{Cf}]+)*$/u;
/** Group names: a letter or digit, then letters, digits, `_`, `.`, `-` (at most 64). */
export const GROUP_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** A reviewer name (see {@link REVIEWER_NAME_PATTERN}). */
export const reviewerNameSchema = z
  .string()
  .min(1)
  .max(MAX_REVIEWER_NAME_LENGTH)
  .regex(
    REVIEWER_NAME_PATTERN,
    "a reviewer name has no ':', no control characters and no leading, trailing or double spaces",
  );

/** A group name (see {@link GROUP_NAME_PATTERN}). */
export const groupNameSchema = z
  .string()
  .regex(
    GROUP_NAME_PATTERN,
    "a group name is 1-64 of A-Z a-z 0-9 _ . - and starts with a letter or digit",
  );

/** One `assignees` entry: a reviewer name or `group:<name>`. */
export const assigneeSchema = z
  .string()
  .max(GROUP_PREFIX.length + MAX_GROUP_NAME_LENGTH + MAX_REVIEWER_NAME_LENGTH)
  .superRefine((entry, ctx) => {
    const parsed = entry.startsWith(GROUP_PREFIX)
      ? groupNameSchema.safeParse(entry.slice(GROUP_PREFIX.length))
      : reviewerNameSchema.safeParse(entry);
    if (!parsed.success) {
      const what = entry.startsWith(GROUP_PREFIX) ? "group entry" : "reviewer name";
      ctx.addIssue({
        code: "custom",
        message: `invalid ${what}: ${parsed.error.issues[0]?.message ?? "invalid"} (entries are reviewer names or group:<name>)`,
      });
    }
  });

/** A list of assignees: 1-50 distinct entries. */
export const assigneeListSchema = z
  .array(assigneeSchema)
  .min(1, "assignees must name at least one reviewer or group (leave it out for everyone)")
  .max(MAX_ASSIGNEES)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((entry, index) => {
      if (seen.has(entry))
        ctx.addIssue({ code: "custom", path: [index], message: `duplicate assignee "${entry}"` });
      seen.add(entry);
    });
  });

/** `required_approvals`: how many distinct eligible reviewers must approve (1-20). */
export const requiredApprovalsSchema = z.number().int().min(1).max(MAX_REQUIRED_APPROVALS);

/** One planned escalation step. */
export const escalationStepSchema = z.strictObject({
  after_seconds: z.number().int().min(1).max(MAX_ESCALATION_SECONDS),
  assignees: assigneeListSchema,
});
export type WireEscalationStep = z.infer<typeof escalationStepSchema>;

/** `escalation`: 1-10 steps with strictly increasing `after_seconds`. */
export const escalationSchema = z
  .array(escalationStepSchema)
  .min(1, "escalation must have at least one step (leave it out for none)")
  .max(MAX_ESCALATION_STEPS)
  .superRefine((steps, ctx) => {
    for (let i = 1; i < steps.length; i++) {
      if ((steps[i]?.after_seconds ?? 0) <= (steps[i - 1]?.after_seconds ?? 0)) {
        ctx.addIssue({
          code: "custom",
          path: [i, "after_seconds"],
          message: "escalation steps must have strictly increasing after_seconds",
        });
      }
    }
  });

const isoDate = z.iso.datetime({ offset: true });

/** One approval of the arguments under review (record `approvals`, `decision.approvals`). */
export const wireApprovalSchema = z.object({
  reviewer: z.string(),
  decided_at: isoDate,
  comments: z.string().nullable().optional(),
});
export type WireApproval = z.infer<typeof wireApprovalSchema>;

/** One escalation step the inbox has applied (record `escalations`). */
export const wireEscalationSchema = z.object({
  /** Index of the step in the request's `escalation`. */
  step: z.number().int().min(0),
  after_seconds: z.number().int(),
  assignees: z.array(z.string()),
  escalated_at: isoDate,
});
export type WireEscalation = z.infer<typeof wireEscalationSchema>;

/**
 * The first problem of an escalation plan against its action's times (`createdAtMs`,
 * `expiresAtMs`): every step must fall before `expires_at`. `undefined` when it is fine.
 * The client's schema checks it when `created_at` is sent; the inbox checks it with the
 * creation time it stores.
 */
export function escalationTimingIssue(
  steps: readonly WireEscalationStep[],
  createdAtMs: number,
  expiresAtMs: number,
): { index: number; message: string } | undefined {
  const index = steps.findIndex((s) => createdAtMs + s.after_seconds * 1000 >= expiresAtMs);
  if (index < 0) return undefined;
  return {
    index,
    message: `escalation step ${index} (after_seconds ${steps[index]?.after_seconds}) is not before expires_at; every step must fall before the action expires`,
  };
}
