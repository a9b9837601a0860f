/**
 * @module approval-rules
 * Checks the approver fields of a request in their camelCase form (`assignees`,
 * `requiredApprovals`, `escalation`) with the protocol's own schemas
 * (`protocol/quorum-schemas.ts`): policies and `requestAction` refuse, with a clear message,
 * exactly what the inbox would refuse.
 */
import type { z } from "zod";
import { ErrorCode, SafeguardsError } from "../errors.js";
import {
  assigneeListSchema,
  escalationSchema,
  escalationTimingIssue,
  requiredApprovalsSchema,
} from "../protocol/quorum-schemas.js";
import type { EscalationStep } from "./approval-request.js";

/** The approver fields to check. */
export interface ApprovalRuleFields {
  assignees?: readonly string[] | undefined;
  requiredApprovals?: number | undefined;
  escalation?: readonly EscalationStep[] | undefined;
}

/** The approver fields a verdict carries and a request files (only those set). */
export interface ApproverFields {
  assignees?: string[];
  requiredApprovals?: number;
  escalation?: EscalationStep[];
}

/**
 * A copy of the approver fields `source` sets (a checked policy, a verdict, a request's
 * input), ready to spread into `requestAction`'s input or a request.
 */
export function approverFieldsOf(source: ApprovalRuleFields): ApproverFields {
  const fields: ApproverFields = {};
  if (source.assignees !== undefined) fields.assignees = [...source.assignees];
  if (source.requiredApprovals !== undefined) fields.requiredApprovals = source.requiredApprovals;
  if (source.escalation !== undefined) {
    fields.escalation = source.escalation.map((s) => ({
      afterSeconds: s.afterSeconds,
      assignees: [...s.assignees],
    }));
  }
  return fields;
}

/**
 * Throws SAFEGUARDS_INVALID_ARGUMENT unless the fields fit the protocol (names and
 * `group:<name>` entries, 1-20 approvals, escalation steps in whole, strictly increasing
 * seconds). With `timeoutSeconds`, every escalation step must also come before the timeout.
 */
export function assertApprovalRules(fields: ApprovalRuleFields, timeoutSeconds?: number): void {
  if (fields.assignees !== undefined) check("assignees", assigneeListSchema, fields.assignees);
  if (fields.requiredApprovals !== undefined) {
    check("requiredApprovals", requiredApprovalsSchema, fields.requiredApprovals);
  }
  if (fields.escalation === undefined) return;
  const steps = Array.isArray(fields.escalation)
    ? fields.escalation.map((step: unknown) => toWireStep(step))
    : fields.escalation;
  const wire = check("escalation", escalationSchema, steps);
  if (timeoutSeconds === undefined) return;
  const issue = escalationTimingIssue(wire, 0, timeoutSeconds * 1000);
  if (issue) {
    throw invalid(
      `escalation step ${issue.index} (afterSeconds ${wire[issue.index]?.after_seconds}) is not before the timeout (${timeoutSeconds} s); every step must come before the action expires`,
    );
  }
}

/** A step in the wire's spelling, so the protocol's schema checks it (unknown keys too). */
function toWireStep(step: unknown): unknown {
  if (!step || typeof step !== "object" || Array.isArray(step)) return step;
  const { afterSeconds, ...rest } = step as Record<string, unknown>;
  return { ...rest, after_seconds: afterSeconds };
}

function check<T extends z.ZodType>(name: string, schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = (issue?.path ?? [])
    .map((p) =>
      typeof p === "number" ? `[${p}]` : `.${p === "after_seconds" ? "afterSeconds" : String(p)}`,
    )
    .join("");
  const message = (issue?.message ?? "invalid").replaceAll("after_seconds", "afterSeconds");
  throw invalid(`${name}${path}: ${message}`);
}

function invalid(message: string): SafeguardsError {
  return new SafeguardsError(ErrorCode.INVALID_ARGUMENT, message, { details: { message } });
}
