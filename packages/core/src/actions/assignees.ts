/**
 * @module assignees
 * Who may decide an action (PROTOCOL.md, "Assignees, quorum and escalation"): the one
 * eligibility rule, and how escalation steps add assignees over time. Used by the inbox and
 * the in-process channel.
 */
import { GROUP_PREFIX } from "../protocol/quorum-schemas.js";

/** A reviewer as the eligibility rule sees them. */
export interface ReviewerIdentity {
  name: string;
  /** Groups the reviewer belongs to (`finance` matches the entry `group:finance`). */
  groups?: readonly string[];
}

/**
 * Whether `reviewer` may decide an action with these `assignees`: `null`/absent means every
 * reviewer (with the right to the agent and tool, which the caller checks); else the
 * reviewer's name is listed, or one of their groups is listed as `group:<name>`.
 */
export function isAssignee(
  reviewer: ReviewerIdentity,
  assignees: readonly string[] | null | undefined,
): boolean {
  if (assignees == null) return true;
  if (assignees.includes(reviewer.name)) return true;
  return (reviewer.groups ?? []).some((group) => assignees.includes(`${GROUP_PREFIX}${group}`));
}

/**
 * The assignees after an escalation step adds `added` (earlier entries keep their place and
 * right; duplicates are dropped). `null` (everyone) stays `null`.
 */
export function addAssignees(
  current: readonly string[] | null | undefined,
  added: readonly string[],
): string[] | null {
  if (current == null) return null;
  return [...new Set([...current, ...added])];
}

/**
 * The assignees once every escalation step has added its entries: who may ever decide the
 * action (`null`: every reviewer with rights). Used to tell whether a quorum can be met.
 */
export function assigneesAfterEscalation(
  assignees: readonly string[] | null | undefined,
  steps: readonly { assignees: readonly string[] }[] | null | undefined,
): string[] | null {
  let all = assignees == null ? null : [...assignees];
  for (const step of steps ?? []) all = addAssignees(all, step.assignees);
  return all;
}

/** What the escalation rule needs of a step (wire and domain steps both fit). */
export interface StepTiming {
  afterSeconds: number;
}

/** When (ms since the epoch) step `index` is due for an action created at `createdAtMs`. */
export function escalationDueAt(createdAtMs: number, step: StepTiming): number {
  return createdAtMs + step.afterSeconds * 1000;
}

/**
 * Indexes of the steps due at `nowMs` that are not applied yet (`applied` steps are applied,
 * in order), oldest first. Steps are applied in order and each exactly once.
 */
export function dueEscalationSteps(
  steps: readonly StepTiming[],
  applied: number,
  createdAtMs: number,
  nowMs: number,
): number[] {
  const due: number[] = [];
  for (let i = applied; i < steps.length; i++) {
    const step = steps[i];
    if (!step || escalationDueAt(createdAtMs, step) > nowMs) break;
    due.push(i);
  }
  return due;
}

/** When the next step not yet applied is due (ms), or `null` when none is left. */
export function nextEscalationAt(
  steps: readonly StepTiming[],
  applied: number,
  createdAtMs: number,
): number | null {
  const step = steps[applied];
  return step ? escalationDueAt(createdAtMs, step) : null;
}
