/**
 * @module in-process-approval-channel
 * An approval channel whose owner decides in code: `approve`, `modify`, `reject`.
 * For tests, scripted reviewers and embedded setups where the reviewer lives in the
 * same process.
 */
import { ActionStatus, type DecisionType, statusForDecision } from "../actions/action-status.js";
import { assertValidModification } from "../actions/modification.js";
import type { SafetyAlert } from "../alerts/safety-alert.js";
import { ActionExpiredError, AlreadyDecidedError, ErrorCode, SafeguardsError } from "../errors.js";
import { type Clock, systemClock } from "../util/clock.js";
import type { JsonObject } from "../util/json.js";
import type {
  ApprovalChannel,
  ApprovalDecision,
  ApprovalRecord,
  ApprovalRequest,
  DecisionListener,
} from "./approval-channel.js";

/** Who decided, and why. */
export interface DecisionOptions {
  comments?: string;
  /** @default "in-process" */
  reviewer?: string;
}

/** Options of {@link InProcessApprovalChannel}. */
export interface InProcessApprovalChannelOptions {
  /** Used to refuse decisions after a request's deadline. @default systemClock */
  clock?: Clock;
}

/** Called for every newly filed request (for scripted reviewers). */
export type RequestListener = (request: ApprovalRequest) => void;

/** An {@link ApprovalChannel} decided in code by its owner. */
export class InProcessApprovalChannel implements ApprovalChannel {
  readonly #clock: Clock;
  readonly #records = new Map<string, ApprovalRecord>();
  readonly #decisionListeners = new Set<DecisionListener>();
  readonly #requestListeners = new Set<RequestListener>();
  #initialized = true;
  /** Alerts received through `sendNotification`, oldest first. */
  readonly notifications: SafetyAlert[] = [];

  constructor(options: InProcessApprovalChannelOptions = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  /** Accepts an empty config; nothing to set up. */
  initialize(_config: Record<string, unknown> = {}): void {
    this.#initialized = true;
  }

  /** Records the alert in {@link notifications}. */
  sendNotification(alert: SafetyAlert): boolean {
    if (!this.#initialized) return false;
    this.notifications.push(alert);
    return true;
  }

  /** Later requests are refused and sends return false. */
  shutdown(): void {
    this.#initialized = false;
  }

  /** Files a request (idempotent by id) and tells request listeners. */
  async submitRequest(request: ApprovalRequest): Promise<void> {
    if (!this.#initialized) {
      throw new SafeguardsError(
        ErrorCode.SHUT_DOWN,
        "The in-process approval channel is shut down",
      );
    }
    if (this.#records.has(request.id)) return;
    this.#records.set(request.id, { request, decision: null });
    for (const listener of this.#requestListeners) listener(request);
  }

  /** Subscribes to decisions; returns the unsubscribe function. */
  onDecision(listener: DecisionListener): () => void {
    this.#decisionListeners.add(listener);
    return () => this.#decisionListeners.delete(listener);
  }

  /** Subscribes to new requests (a scripted reviewer); returns the unsubscribe function. */
  onRequest(listener: RequestListener): () => void {
    this.#requestListeners.add(listener);
    return () => this.#requestListeners.delete(listener);
  }

  /** Requests still waiting for a decision, oldest first. */
  pending(): ApprovalRequest[] {
    return [...this.#records.values()].filter((r) => r.decision === null).map((r) => r.request);
  }

  /** Approves as requested. Throws if unknown, already decided, expired or not allowed. */
  approve(id: string, options: DecisionOptions = {}): ApprovalDecision {
    return this.#decide(id, "approve", undefined, options);
  }

  /** Approves with changed fields (field -> new value); only existing fields may change. */
  modify(id: string, responseData: JsonObject, options: DecisionOptions = {}): ApprovalDecision {
    return this.#decide(id, "modify", responseData, options);
  }

  /** Rejects; `comments` is the reason the agent is told. */
  reject(id: string, options: DecisionOptions = {}): ApprovalDecision {
    return this.#decide(id, "reject", undefined, options);
  }

  async cancelRequest(id: string): Promise<ApprovalDecision | undefined> {
    return this.#close(id, ActionStatus.CANCELLED);
  }

  async expireRequest(id: string): Promise<ApprovalDecision | undefined> {
    return this.#close(id, ActionStatus.TIMED_OUT);
  }

  async getRecord(id: string): Promise<ApprovalRecord | undefined> {
    return this.#records.get(id);
  }

  /** Sets a final status unless there is one; returns the earlier decision if there was. */
  #close(id: string, status: "cancelled" | "timed_out"): ApprovalDecision | undefined {
    const record = this.#records.get(id);
    if (!record) return undefined;
    if (record.decision) return record.decision;
    record.decision = { status, decidedAt: new Date(this.#clock.now()) };
    return undefined;
  }

  #decide(
    id: string,
    type: DecisionType,
    responseData: JsonObject | undefined,
    options: DecisionOptions,
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
    if (!record.request.allowedDecisions.includes(type)) {
      throw new SafeguardsError(
        ErrorCode.DECISION_NOT_ALLOWED,
        `Decision "${type}" is not allowed for action ${id}`,
      );
    }
    if (type === "modify") assertValidModification(record.request, responseData);
    const decision: ApprovalDecision = {
      status: statusForDecision(type),
      reviewer: options.reviewer ?? "in-process",
      decidedAt: new Date(now),
    };
    if (responseData) decision.responseData = structuredClone(responseData);
    if (options.comments !== undefined) decision.comments = options.comments;
    record.decision = decision;
    this.#emit(id, decision);
    return decision;
  }

  #emit(id: string, decision: ApprovalDecision): void {
    for (const listener of this.#decisionListeners) listener(id, decision);
  }
}
