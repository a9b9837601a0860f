/**
 * @module in-process-approval-channel
 * An approval channel whose owner decides in code: `approve`, `modify`, `reject`.
 * For tests, scripted reviewers and embedded setups where the reviewer lives in the
 * same process.
 */
import { z } from "zod";
import type {
  ApprovalDecision,
  ApprovalRecord,
  ApprovalRequest,
} from "../actions/approval-request.js";
import type { SafetyAlert } from "../alerts/safety-alert.js";
import { ErrorCode, SafeguardsError } from "../errors.js";
import { type Clock, systemClock } from "../util/clock.js";
import { parseConfig, refuseSnakeCaseKeys } from "../util/config.js";
import type { JsonObject } from "../util/json.js";
import type { ApprovalChannel, DecisionListener } from "./approval-channel.js";
import { type DecisionOptions, LocalDecisions } from "./local-decisions.js";

export type { DecisionOptions } from "./local-decisions.js";

/** Options of {@link InProcessApprovalChannel}. */
export interface InProcessApprovalChannelOptions {
  /** Used to refuse decisions after a request's deadline. @default systemClock */
  clock?: Clock;
}

/** Configuration of {@link InProcessApprovalChannel}: none, so only `{}` is accepted. */
export type InProcessApprovalChannelConfig = Record<string, never>;

/** Called for every newly filed request (for scripted reviewers). */
export type RequestListener = (request: ApprovalRequest) => void;

/** An {@link ApprovalChannel} decided in code by its owner. */
export class InProcessApprovalChannel implements ApprovalChannel<InProcessApprovalChannelConfig> {
  readonly #decisions: LocalDecisions;
  readonly #requestListeners = new Set<RequestListener>();
  #initialized = true;
  /** Alerts received through `sendNotification`, oldest first. */
  readonly notifications: SafetyAlert[] = [];

  constructor(options: InProcessApprovalChannelOptions = {}) {
    refuseSnakeCaseKeys("InProcessApprovalChannel", options);
    this.#decisions = new LocalDecisions({
      clock: options.clock ?? systemClock,
      defaultReviewer: "in-process",
    });
  }

  /** Accepts an empty config (nothing to set up); refuses any key, naming it. */
  initialize(config: InProcessApprovalChannelConfig = {}): void {
    parseConfig("InProcessApprovalChannel", z.strictObject({}), config);
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
    if (!this.#decisions.file(request)) return;
    for (const listener of this.#requestListeners) listener(request);
  }

  /** Subscribes to decisions; returns the unsubscribe function. */
  onDecision(listener: DecisionListener): () => void {
    return this.#decisions.onDecision(listener);
  }

  /** Subscribes to new requests (a scripted reviewer); returns the unsubscribe function. */
  onRequest(listener: RequestListener): () => void {
    this.#requestListeners.add(listener);
    return () => this.#requestListeners.delete(listener);
  }

  /** Requests still waiting for a decision, oldest first. */
  pending(): ApprovalRequest[] {
    return this.#decisions.pending();
  }

  /** Approves as requested. Throws if unknown, already decided, expired or not allowed. */
  approve(id: string, options: DecisionOptions = {}): ApprovalDecision {
    return this.#decisions.decide(id, "approve", undefined, options);
  }

  /** Approves with changed fields (field -> new value); only existing fields may change. */
  modify(id: string, responseData: JsonObject, options: DecisionOptions = {}): ApprovalDecision {
    return this.#decisions.decide(id, "modify", responseData, options);
  }

  /** Rejects; `comments` is the reason the agent is told. */
  reject(id: string, options: DecisionOptions = {}): ApprovalDecision {
    return this.#decisions.decide(id, "reject", undefined, options);
  }

  async cancelRequest(id: string): Promise<ApprovalDecision | undefined> {
    return this.#decisions.close(id, "cancelled");
  }

  async expireRequest(id: string): Promise<ApprovalDecision | undefined> {
    return this.#decisions.close(id, "timed_out");
  }

  async getRecord(id: string): Promise<ApprovalRecord | undefined> {
    return this.#decisions.get(id);
  }
}
