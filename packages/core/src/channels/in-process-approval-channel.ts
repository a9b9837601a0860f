/**
 * @module in-process-approval-channel
 * An approval channel whose owner decides in code: `approve`, `modify`, `reject`.
 * For tests, scripted reviewers and embedded setups where the reviewer lives in the
 * same process.
 */
import { z } from "zod";
import type {
  Approval,
  ApprovalDecision,
  ApprovalRecord,
  ApprovalRequest,
} from "../actions/approval-request.js";
import type { SafetyAlert } from "../alerts/safety-alert.js";
import { ErrorCode, SafeguardsError } from "../errors.js";
import { groupNameSchema, MAX_ASSIGNEES, reviewerNameSchema } from "../protocol/quorum-schemas.js";
import { type Clock, systemClock } from "../util/clock.js";
import { parseConfig, refuseSnakeCaseKeys } from "../util/config.js";
import type { JsonObject } from "../util/json.js";
import type { ApprovalChannel, DecisionListener } from "./approval-channel.js";
import { type DecisionOptions, LocalDecisions } from "./local-decisions.js";

export type { DecisionOptions } from "./local-decisions.js";

/** A reviewer the in-process channel knows, with the groups `group:<name>` assignees match. */
export interface InProcessReviewer {
  name: string;
  groups?: readonly string[];
}

/** Options of {@link InProcessApprovalChannel}. */
export interface InProcessApprovalChannelOptions {
  /** Used to refuse decisions after a request's deadline and to apply escalation. @default systemClock */
  clock?: Clock;
  /**
   * Reviewers and their groups, for requests with `group:<name>` assignees. A reviewer not
   * listed here belongs to no group (eligible only where named). @default none
   */
  reviewers?: readonly InProcessReviewer[];
}

/** Configuration of {@link InProcessApprovalChannel}: none, so only `{}` is accepted. */
export type InProcessApprovalChannelConfig = Record<string, never>;

const reviewersSchema = z
  .array(
    z.strictObject({
      name: reviewerNameSchema,
      groups: z.array(groupNameSchema).max(MAX_ASSIGNEES).optional(),
    }),
  )
  .superRefine((list, ctx) => {
    const names = list.map((r) => r.name);
    names.forEach((name, index) => {
      if (names.indexOf(name) !== index)
        ctx.addIssue({
          code: "custom",
          path: [index, "name"],
          message: `"${name}" is listed twice`,
        });
    });
  });

/** The groups of each reviewer, checked with the protocol's name rules. */
function groupsByReviewer(reviewers: readonly InProcessReviewer[]): Map<string, readonly string[]> {
  const parsed = parseConfig(
    "InProcessApprovalChannel",
    z.strictObject({ reviewers: reviewersSchema }),
    { reviewers },
  );
  return new Map(parsed.reviewers.map((r) => [r.name, [...(r.groups ?? [])]]));
}

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
    const groups = groupsByReviewer(options.reviewers ?? []);
    this.#decisions = new LocalDecisions({
      clock: options.clock ?? systemClock,
      defaultReviewer: "in-process",
      groupsOf: (name) => groups.get(name) ?? [],
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

  /**
   * Approves as requested, as `options.reviewer` (default "in-process"). With
   * `requiredApprovals` N, each distinct reviewer's approval counts once: the Nth settles the
   * action (returns the decision, with `approvals`), the ones before return `null` (recorded,
   * still pending). Throws if unknown, already decided, expired, not allowed, the reviewer is
   * not an assignee (SAFEGUARDS_UNAUTHORIZED) or already approved (SAFEGUARDS_ALREADY_APPROVED).
   */
  approve(id: string, options: DecisionOptions = {}): ApprovalDecision | null {
    return this.#decisions.decide(id, "approve", undefined, options);
  }

  /**
   * Changes fields (field -> new value; only existing fields may change). Voids earlier
   * approvals and counts as this reviewer's approval of the new arguments: settles MODIFIED
   * once enough reviewers approved them (at once with one required), else returns `null`.
   */
  modify(
    id: string,
    responseData: JsonObject,
    options: DecisionOptions = {},
  ): ApprovalDecision | null {
    return this.#decisions.decide(id, "modify", responseData, options);
  }

  /** Rejects at once (a veto, whatever the approvals so far); `comments` is the reason the agent is told. */
  reject(id: string, options: DecisionOptions = {}): ApprovalDecision {
    return this.#decisions.decide(id, "reject", undefined, options) as ApprovalDecision;
  }

  /** The approvals so far of a pending action's arguments under review. */
  approvals(id: string): Approval[] {
    return this.#decisions.approvals(id);
  }

  /** Who may decide `id` now (its assignees and the escalation steps due); undefined: everyone. */
  assignees(id: string): string[] | undefined {
    return this.#decisions.assigneesNow(id);
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
