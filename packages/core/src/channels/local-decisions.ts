/**
 * @module local-decisions
 * The record store shared by approval channels whose reviewer lives in this process
 * (in-process, terminal): files requests, applies the first-decision-wins and expiry
 * rules, counts approvals with core's quorum rule (`approval-quorum.ts`), checks assignees
 * and escalation with core's eligibility rule (`assignees.ts`), and tells decision listeners.
 */
import { ActionStatus, type DecisionType } from "../actions/action-status.js";
import { castVote } from "../actions/approval-quorum.js";
import type {
  Approval,
  ApprovalDecision,
  ApprovalRecord,
  ApprovalRequest,
} from "../actions/approval-request.js";
import { addAssignees, dueEscalationSteps, isAssignee } from "../actions/assignees.js";
import { assertDecisionAllowed } from "../actions/check-decision.js";
import {
  applyModification,
  assertValidModification,
  modificationTarget,
} from "../actions/modification.js";
import { ActionExpiredError, AlreadyDecidedError, ErrorCode, SafeguardsError } from "../errors.js";
import type { Clock } from "../util/clock.js";
import type { JsonObject } from "../util/json.js";
import type { DecisionListener } from "./approval-channel.js";

/** A filed request, its decision once final, and the quorum so far while pending. */
interface LocalRecord extends ApprovalRecord {
  /** Approvals so far of the arguments under review. */
  approvals: Approval[];
  /** Changes `modify` decisions made so far (relative to the filed arguments), or null. */
  proposedChanges: JsonObject | null;
}

/** Who decided, and why. */
export interface DecisionOptions {
  comments?: string;
  /** The reviewer's name; each channel has its own default. */
  reviewer?: string;
}

/**
 * Requests and decisions kept in memory. The first decision wins; a decision at or after
 * the deadline is refused with {@link ActionExpiredError} and records TIMED_OUT.
 */
export class LocalDecisions {
  readonly #clock: Clock;
  readonly #defaultReviewer: string;
  readonly #groupsOf: (reviewer: string) => readonly string[];
  readonly #records = new Map<string, LocalRecord>();
  readonly #listeners = new Set<DecisionListener>();

  /**
   * `defaultReviewer` names the reviewer when a decision gives none; `groupsOf` says which
   * groups a reviewer belongs to (for `group:<name>` assignees). @default no groups
   */
  constructor(options: {
    clock: Clock;
    defaultReviewer: string;
    groupsOf?: (reviewer: string) => readonly string[];
  }) {
    this.#clock = options.clock;
    this.#defaultReviewer = options.defaultReviewer;
    this.#groupsOf = options.groupsOf ?? (() => []);
  }

  /** Files a request; returns false (and changes nothing) if its id is already known. */
  file(request: ApprovalRequest): boolean {
    if (this.#records.has(request.id)) return false;
    this.#records.set(request.id, {
      request,
      decision: null,
      approvals: [],
      proposedChanges: null,
    });
    return true;
  }

  /** The record of `id`, if known. */
  get(id: string): ApprovalRecord | undefined {
    const record = this.#records.get(id);
    return record && { request: record.request, decision: record.decision };
  }

  /** The approvals so far of a pending action's arguments under review (empty when unknown). */
  approvals(id: string): Approval[] {
    return (this.#records.get(id)?.approvals ?? []).map((a) => ({ ...a }));
  }

  /**
   * Who may decide `id` now: its assignees plus the escalation steps due by the clock
   * (undefined: every reviewer).
   */
  assigneesNow(id: string): string[] | undefined {
    const request = this.#records.get(id)?.request;
    if (!request?.assignees) return undefined;
    const steps = request.escalation ?? [];
    let current: string[] | null = [...request.assignees];
    const due = dueEscalationSteps(steps, 0, request.createdAt.getTime(), this.#clock.now());
    for (const index of due) current = addAssignees(current, steps[index]?.assignees ?? []);
    return current ?? undefined;
  }

  /** Requests still waiting for a decision, oldest first. */
  pending(): ApprovalRequest[] {
    return [...this.#records.values()].filter((r) => r.decision === null).map((r) => r.request);
  }

  /** Subscribes to decisions; returns the unsubscribe function. */
  onDecision(listener: DecisionListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Records a reviewer's decision and, when it settles the action, tells listeners and
   * returns the decision; `null` when it recorded an approval and more are required. Throws
   * if the id is unknown, already decided ({@link AlreadyDecidedError}), expired
   * ({@link ActionExpiredError}), the reviewer is not an assignee (SAFEGUARDS_UNAUTHORIZED)
   * or already approved (SAFEGUARDS_ALREADY_APPROVED), the decision type is not allowed, or
   * the modification is invalid (unknown fields, or arguments that fail the `argsSchema`).
   */
  decide(
    id: string,
    type: DecisionType,
    responseData: JsonObject | undefined,
    options: DecisionOptions = {},
  ): ApprovalDecision | null {
    const record = this.#records.get(id);
    if (!record) throw new SafeguardsError(ErrorCode.NOT_FOUND, `Unknown action ${id}`);
    if (record.decision) throw new AlreadyDecidedError(id, record.decision.status);
    const now = this.#clock.now();
    if (now >= record.request.expiresAt.getTime()) {
      record.decision = { status: ActionStatus.TIMED_OUT, decidedAt: record.request.expiresAt };
      this.#emit(id, record.decision);
      throw new ActionExpiredError(id);
    }
    assertDecisionAllowed(record.request.allowedDecisions, type, `action ${id}`);
    const reviewer = options.reviewer ?? this.#defaultReviewer;
    this.#assertAssignee(id, reviewer);
    if (type === "modify") assertValidModification(underReview(record), responseData);
    const approval: Approval = { reviewer, decidedAt: new Date(now) };
    if (options.comments !== undefined) approval.comments = options.comments;
    const outcome = castVote(
      {
        requiredApprovals: record.request.requiredApprovals ?? 1,
        approvals: record.approvals,
        proposedChanges: record.proposedChanges,
      },
      { type, approval, ...(responseData ? { responseData: structuredClone(responseData) } : {}) },
    );
    if (outcome.kind === "already_approved") {
      throw new SafeguardsError(
        ErrorCode.ALREADY_APPROVED,
        `${reviewer} has already approved action ${id}; it needs ${record.request.requiredApprovals} approvals from distinct reviewers (already_approved)`,
        { details: { actionId: id, reviewer } },
      );
    }
    record.approvals = outcome.approvals;
    record.proposedChanges = outcome.proposedChanges;
    if (outcome.kind === "recorded") return null;
    const decision: ApprovalDecision = {
      status: outcome.status,
      reviewer,
      decidedAt: new Date(now),
      approvals: outcome.approvals.map((a) => ({ ...a })),
    };
    if (outcome.status === "modified" && outcome.proposedChanges) {
      decision.responseData = structuredClone(outcome.proposedChanges);
    }
    if (options.comments !== undefined) decision.comments = options.comments;
    record.decision = decision;
    this.#emit(id, decision);
    return decision;
  }

  #assertAssignee(id: string, reviewer: string): void {
    const assignees = this.assigneesNow(id);
    if (isAssignee({ name: reviewer, groups: this.#groupsOf(reviewer) }, assignees)) return;
    throw new SafeguardsError(
      ErrorCode.UNAUTHORIZED,
      `${reviewer} may not decide action ${id} (forbidden): it is assigned to ${assignees?.join(", ")}`,
      { details: { actionId: id, reviewer, assignees } },
    );
  }

  /** Sets CANCELLED or TIMED_OUT unless decided; returns the earlier decision if there was one. */
  close(id: string, status: "cancelled" | "timed_out"): ApprovalDecision | undefined {
    const record = this.#records.get(id);
    if (!record) return undefined;
    if (record.decision) return record.decision;
    record.decision = { status, decidedAt: new Date(this.#clock.now()) };
    return undefined;
  }

  #emit(id: string, decision: ApprovalDecision): void {
    for (const listener of this.#listeners) listener(id, decision);
  }
}

/** The request as reviewers see it now: its arguments with the changes proposed so far. */
function underReview(record: LocalRecord): Pick<ApprovalRequest, "id" | "action" | "metadata"> {
  const { request, proposedChanges } = record;
  if (!proposedChanges) return request;
  const args = applyModification(modificationTarget(request), proposedChanges);
  return request.action
    ? { id: request.id, metadata: request.metadata, action: { ...request.action, args } }
    : { id: request.id, metadata: args };
}
