/**
 * @module ui/quorum-view
 * The approval rules of an action as the reviewer pages show them: the approvals so far
 * ("1 of 2 approvals (alice)"), who it is assigned to, the escalation timeline (steps
 * applied with their times, the next step and a countdown to it), and whether the signed-in
 * reviewer has already approved (then the page says "waiting for N more approvals" instead
 * of offering the buttons again).
 */
import { approvalsMissing, escalationDueAt, hasApproved } from "@safeguards/core/internal";
import type { StoredRecord } from "../store/action-store.js";
import { html, type SafeHtml } from "./html.js";

/** How many distinct approvals the action needs (1 when the request said nothing). */
export const requiredApprovals = (record: StoredRecord): number => record.required_approvals ?? 1;

/** Approvals still missing before the action settles (0 once it is decided). */
export const missingApprovals = (record: StoredRecord): number =>
  record.status === "pending"
    ? approvalsMissing({
        requiredApprovals: requiredApprovals(record),
        approvals: record.approvals ?? [],
        proposedChanges: null,
      })
    : 0;

/** Whether `reviewer`'s approval of the arguments under review is counted (still pending). */
export const approvedBy = (record: StoredRecord, reviewer: string): boolean =>
  record.status === "pending" && hasApproved(record.approvals ?? [], reviewer);

/** The approvals shown: those so far, or once decided, those the decision carries. */
const shownApprovals = (record: StoredRecord) =>
  record.status === "pending" ? (record.approvals ?? []) : (record.decision?.approvals ?? []);

/** "1 of 2 approvals (alice)"; `""` for an action that needs one approval (nothing to count). */
export function approvalProgress(record: StoredRecord): string {
  const needed = requiredApprovals(record);
  const who = shownApprovals(record).map((a) => a.reviewer);
  if (needed <= 1) return "";
  const names = who.length ? ` (${who.join(", ")})` : "";
  return `${who.length} of ${needed} approval${needed === 1 ? "" : "s"}${names}`;
}

/** "waiting for 1 more approval" (what a reviewer who already approved reads). */
export function waitingText(record: StoredRecord): string {
  const n = missingApprovals(record);
  return `waiting for ${n} more approval${n === 1 ? "" : "s"}`;
}

/** The assignees as a reviewer reads them (`group:finance` stays as written). */
export function assigneesText(record: StoredRecord): string {
  const list = record.assignees ?? [];
  return list.length ? list.join(", ") : "every reviewer with the right to it";
}

/** One step of the escalation plan, with its due time (ISO) and whether it was applied. */
export interface EscalationStep {
  dueAt: string;
  assignees: string[];
  appliedAt: string | null;
}

/** The escalation plan of the action, in order, each step with its time and state. */
export function escalationSteps(record: StoredRecord): EscalationStep[] {
  const created = Date.parse(record.created_at);
  const applied = record.escalations ?? [];
  return (record.escalation ?? []).map((step, i) => ({
    dueAt: new Date(escalationDueAt(created, { afterSeconds: step.after_seconds })).toISOString(),
    assignees: step.assignees,
    appliedAt: applied.find((a) => a.step === i)?.escalated_at ?? null,
  }));
}

/** The "Approvals" section of the review page (nothing for a plain one-approval action). */
export function approvalsSection(record: StoredRecord, reviewer: string | undefined): SafeHtml {
  const steps = escalationSteps(record);
  const progress = approvalProgress(record);
  if (!progress && !record.assignees?.length && steps.length === 0) return html``;
  const next = record.status === "pending" ? steps.find((s) => s.appliedAt === null) : undefined;
  const mine = reviewer !== undefined && approvedBy(record, reviewer);
  return html`<section class="approvals" id="approvals" aria-labelledby="approvals-title">
<h2 id="approvals-title">Approvals</h2>
<p class="quorum">${progress || "One approval settles it"}${
    mine ? html` · <span class="mine">you approved</span>` : ""
  }</p>
${
  shownApprovals(record).length
    ? html`<ul class="approval-list">${shownApprovals(record).map(
        (a) =>
          html`<li><strong>${a.reviewer}</strong> at <time datetime="${a.decided_at}">${a.decided_at}</time>${
            a.comments ? html`: <q>${a.comments}</q>` : ""
          }</li>`,
      )}</ul>`
    : ""
}
<p class="assignees">Assigned to <strong>${assigneesText(record)}</strong></p>
${
  steps.length
    ? html`<h3>Escalation</h3>
<ol class="escalation">${steps.map(
        (s) =>
          html`<li class="${s.appliedAt ? "applied" : s === next ? "next" : "later"}">${
            s.appliedAt
              ? html`escalated to <strong>${s.assignees.join(", ")}</strong> at <time datetime="${s.appliedAt}">${s.appliedAt}</time>`
              : html`escalates to <strong>${s.assignees.join(", ")}</strong> at <time datetime="${s.dueAt}">${s.dueAt}</time>${
                  s === next
                    ? html` (next: <time class="escalates" data-until="${s.dueAt}" datetime="${s.dueAt}">at ${s.dueAt}</time>)`
                    : ""
                }`
          }</li>`,
      )}</ol>`
    : ""
}
</section>`;
}
