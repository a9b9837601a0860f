/**
 * @module local-decisions
 * The record store shared by approval channels whose reviewer lives in this process
 * (in-process, terminal): files requests, applies the first-decision-wins and expiry
 * rules, and tells decision listeners.
 */
import { ActionStatus, type DecisionType, statusForDecision } from "../actions/action-status.js";
import type {
  ApprovalDecision,
  ApprovalRecord,
  ApprovalRequest,
} from "../actions/approval-request.js";
import { assertDecisionAllowed } from "../actions/check-decision.js";
import { assertValidModification } from "../actions/modification.js";
import { ActionExpiredError, AlreadyDecidedError, ErrorCode, SafeguardsError } from "../errors.js";
import type { Clock } from "../util/clock.js";
import type { JsonObject } from "../util/json.js";
import type { DecisionListener } from "./approval-channel.js";

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
  readonly #records = new Map<string, ApprovalRecord>();
  readonly #listeners = new Set<DecisionListener>();

  /** `defaultReviewer` names the reviewer when a decision gives none. */
  constructor(options: { clock: Clock; defaultReviewer: string }) {
    this.#clock = options.clock;
    this.#defaultReviewer = options.defaultReviewer;
  }

  /** Files a request; returns false (and changes nothing) if its id is already known. */
  file(request: ApprovalRequest): boolean {
    if (this.#records.has(request.id)) return false;
    this.#records.set(request.id, { request, decision: null });
    return true;
  }

  /** The record of `id`, if known. */
  get(id: string): ApprovalRecord | undefined {
    return this.#records.get(id);
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
   * Records a reviewer's decision and tells listeners. Throws if the id is unknown, already
   * decided ({@link AlreadyDecidedError}), expired ({@link ActionExpiredError}), the decision
   * type is not allowed, or the modification is invalid (unknown fields, or arguments that
   * fail the action's `argsSchema`).
   */
  decide(
    id: string,
    type: DecisionType,
    responseData: JsonObject | undefined,
    options: DecisionOptions = {},
  ): ApprovalDecision {
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
    if (type === "modify") assertValidModification(record.request, responseData);
    const decision: ApprovalDecision = {
      status: statusForDecision(type),
      reviewer: options.reviewer ?? this.#defaultReviewer,
      decidedAt: new Date(now),
    };
    if (responseData) decision.responseData = structuredClone(responseData);
    if (options.comments !== undefined) decision.comments = options.comments;
    record.decision = decision;
    this.#emit(id, decision);
    return decision;
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
