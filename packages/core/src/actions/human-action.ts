/**
 * @module human-action
 * One request for a human decision and, once decided, its outcome.
 */
import type { AlertSeverity } from "../alerts/safety-alert.js";
import type { JsonObject } from "../util/json.js";
import { ActionStatus, type DecisionType, isTerminalStatus } from "./action-status.js";
import type {
  ActionCall,
  Approval,
  ApprovalDecision,
  ApprovalRequest,
  EscalationStep,
} from "./approval-request.js";
import { applyModification, modificationTarget } from "./modification.js";

let settle: (action: HumanAction, decision: ApprovalDecision) => boolean;

/**
 * Sets an action's final outcome; false (and nothing changed) when it was already final.
 * Module-private to core: only {@link HumanActionHandler} settles actions (not exported from
 * any entry).
 */
export function settleHumanAction(action: HumanAction, decision: ApprovalDecision): boolean {
  return settle(action, decision);
}

/**
 * A human action: what the agent asked, and what the human decided.
 *
 * Status, response data, comments, reviewer and decision time are set once, when the
 * action reaches its final status; they never change afterwards.
 */
export class HumanAction {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly agentId: string;
  readonly severity: AlertSeverity;
  readonly metadata: JsonObject;
  /** The tool call this action is about, if any. */
  readonly action: ActionCall | undefined;
  /** `sha256:<hex>` of the canonical JSON of `action.args`. */
  readonly argsHash: string | undefined;
  readonly allowedDecisions: readonly DecisionType[];
  readonly requestedAt: Date;
  readonly expiresAt: Date;
  /** Reviewer names and `group:<name>` entries who may decide; undefined: every reviewer with the right. */
  readonly assignees: readonly string[] | undefined;
  /** How many distinct reviewers must approve. */
  readonly requiredApprovals: number;
  /** Who else may decide after a while; undefined when the request set none. */
  readonly escalation: readonly EscalationStep[] | undefined;
  #decision: ApprovalDecision | null = null;
  #status: ActionStatus = ActionStatus.PENDING;
  #responseData: JsonObject | null = null;
  #comments: string | null = null;
  #reviewer: string | null = null;
  #decidedAt: Date | null = null;

  /** Builds an action from the request it files. */
  constructor(request: ApprovalRequest) {
    this.id = request.id;
    this.title = request.title;
    this.description = request.description;
    this.agentId = request.agentId;
    this.severity = request.severity;
    this.metadata = request.metadata;
    this.action = request.action;
    this.argsHash = request.argsHash;
    this.allowedDecisions = [...request.allowedDecisions];
    this.requestedAt = request.createdAt;
    this.expiresAt = request.expiresAt;
    this.assignees = request.assignees;
    this.requiredApprovals = request.requiredApprovals ?? 1;
    this.escalation = request.escalation;
  }

  /** Current status; PENDING until the one and only final status is set. */
  get status(): ActionStatus {
    return this.#status;
  }
  /** For MODIFIED: the reviewer's changed fields (field -> new value); otherwise null. */
  get responseData(): JsonObject | null {
    return this.#responseData;
  }
  /** The reviewer's comments or reason, if any. */
  get comments(): string | null {
    return this.#comments;
  }
  /** The authenticated reviewer who decided; null for timeouts and cancellations. */
  get reviewer(): string | null {
    return this.#reviewer;
  }
  /** When the final status was set. */
  get decidedAt(): Date | null {
    return this.#decidedAt;
  }
  /** The final decision as the channel reported it (with `approvals`); null while pending. */
  get decision(): ApprovalDecision | null {
    return this.#decision;
  }
  /** Who approved what runs (APPROVED, MODIFIED), in order; empty otherwise. */
  get approvals(): readonly Approval[] {
    return this.#decision?.approvals ?? [];
  }
  /** True once the status is final. */
  get isFinal(): boolean {
    return isTerminalStatus(this.#status);
  }

  /**
   * The values to act on: for APPROVED the original `action.args` (or `metadata`), for
   * MODIFIED those merged with the reviewer's changes; `undefined` for every other status.
   */
  get approvedValues(): JsonObject | undefined {
    const target = modificationTarget(this);
    if (this.#status === ActionStatus.APPROVED) return { ...target };
    if (this.#status === ActionStatus.MODIFIED && this.#responseData) {
      return applyModification(target, this.#responseData);
    }
    return undefined;
  }

  /** The request this action files with a channel. */
  toRequest(): ApprovalRequest {
    const request: ApprovalRequest = {
      id: this.id,
      title: this.title,
      description: this.description,
      severity: this.severity,
      agentId: this.agentId,
      metadata: this.metadata,
      allowedDecisions: [...this.allowedDecisions],
      createdAt: this.requestedAt,
      expiresAt: this.expiresAt,
    };
    if (this.action) request.action = this.action;
    if (this.argsHash) request.argsHash = this.argsHash;
    if (this.assignees) request.assignees = [...this.assignees];
    if (this.requiredApprovals !== 1) request.requiredApprovals = this.requiredApprovals;
    if (this.escalation) request.escalation = this.escalation.map((s) => ({ ...s }));
    return request;
  }

  /** Sets the final outcome. Returns false (and changes nothing) when already final. */
  #settle(decision: ApprovalDecision): boolean {
    if (this.isFinal) return false;
    this.#status = decision.status;
    this.#responseData = decision.responseData ?? null;
    this.#comments = decision.comments ?? null;
    this.#reviewer = decision.reviewer ?? null;
    this.#decidedAt = decision.decidedAt;
    this.#decision = Object.freeze({
      ...decision,
      ...(decision.approvals
        ? { approvals: Object.freeze(decision.approvals.map((a) => Object.freeze({ ...a }))) }
        : {}),
    }) as ApprovalDecision;
    return true;
  }

  static {
    settle = (action, decision) => action.#settle(decision);
  }

  /** A plain JSON-friendly snapshot (for logs and tests). */
  toJSON(): Record<string, unknown> {
    return {
      id: this.id,
      title: this.title,
      description: this.description,
      agentId: this.agentId,
      severity: this.severity,
      metadata: this.metadata,
      action: this.action,
      argsHash: this.argsHash,
      allowedDecisions: this.allowedDecisions,
      status: this.#status,
      responseData: this.#responseData,
      comments: this.#comments,
      reviewer: this.#reviewer,
      approvals: this.approvals.map((a) => ({ ...a, decidedAt: a.decidedAt.toISOString() })),
      requestedAt: this.requestedAt.toISOString(),
      decidedAt: this.#decidedAt?.toISOString() ?? null,
      expiresAt: this.expiresAt.toISOString(),
    };
  }
}
