/**
 * @module policy-approvers
 * Who decides a flagged call, in a policy: `assignees` (names and `group:<name>`),
 * `requiredApprovals` (distinct approvers, four eyes) and `escalation` (who else after a
 * while). Checked once when the policies are defined, with the same limits as the protocol,
 * and turned into the fields of `HumanActionHandler.requestAction`.
 */
import type { EscalationStep } from "../actions/approval-request.js";
import { type ApproverFields, assertApprovalRules } from "../actions/approval-rules.js";

import { InvalidConfigError, isSafeguardsError } from "../errors.js";

/** Who decides, as a policy says it (see `ToolPolicy`). */
export interface PolicyApprovers {
  /** Reviewer names and `group:<name>` entries who may decide. @default every reviewer with the right */
  assignees?: string[];
  /** How many distinct eligible reviewers must approve. @default 1 */
  requiredApprovals?: number;
  /** After `afterSeconds` still pending, `assignees` may decide too (increasing, before the timeout). */
  escalation?: EscalationStep[];
  /**
   * @deprecated Use `assignees` (the same names, now enforced). Kept as an alias: a policy
   * with `reviewers` behaves as one with `assignees`; giving both is refused.
   */
  reviewers?: string[];
}

/**
 * Checks a policy's approver fields (throws InvalidConfigError naming the policy) and returns
 * them normalised: `reviewers` becomes `assignees`, lists are copied. A policy that requires
 * several approvals may not run the call on timeout (`onTimeout: "approve"`).
 */
export function checkPolicyApprovers(
  name: string,
  policy: PolicyApprovers & { timeoutSeconds?: number; onTimeout?: string },
): ApproverFields {
  if (policy.onTimeout === "approve" && (policy.requiredApprovals ?? 1) > 1) {
    throw new InvalidConfigError(
      `Policy "${name}": onTimeout "approve" would run the call with no approval at all, which defeats requiredApprovals ${policy.requiredApprovals}; use onTimeout "reject" (the default)`,
    );
  }
  if (policy.reviewers !== undefined && policy.assignees !== undefined) {
    throw new InvalidConfigError(
      `Policy "${name}": "reviewers" is the old name of "assignees"; give only "assignees"`,
    );
  }
  const fields: ApproverFields = {};
  const assignees = policy.assignees ?? policy.reviewers;
  if (assignees !== undefined) fields.assignees = copyList(assignees);
  if (policy.requiredApprovals !== undefined) fields.requiredApprovals = policy.requiredApprovals;
  if (policy.escalation !== undefined) {
    fields.escalation = Array.isArray(policy.escalation)
      ? policy.escalation.map((step) =>
          step && typeof step === "object"
            ? { afterSeconds: step.afterSeconds, assignees: copyList(step.assignees) }
            : step,
        )
      : policy.escalation;
  }
  try {
    assertApprovalRules(fields, policy.timeoutSeconds);
  } catch (error) {
    if (!isSafeguardsError(error)) throw error;
    const what = policy.reviewers !== undefined ? ' ("reviewers" is an alias of assignees)' : "";
    throw new InvalidConfigError(`Policy "${name}": ${error.message}${what}`, { cause: error });
  }
  return fields;
}

function copyList<T>(value: T): T {
  return (Array.isArray(value) ? [...value] : value) as T;
}
