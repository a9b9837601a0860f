/**
 * @module approval-channel
 * The contract between {@link HumanActionHandler} and a channel that can ask a human
 * and hear back: file a request, receive its decision.
 */
import type {
  ApprovalDecision,
  ApprovalRecord,
  ApprovalRequest,
} from "../actions/approval-request.js";
import type { NotificationChannel } from "./notification-channel.js";

/** Called by a channel when it learns an action's decision. */
export type DecisionListener = (actionId: string, decision: ApprovalDecision) => void;

/**
 * A {@link NotificationChannel} that can ask a human and hear the answer. As there,
 * `ApprovalChannel` alone means any approval channel, whatever its `Config`.
 *
 * Contract:
 * - `submitRequest` resolves once the request is filed, or rejects (the handler then fails
 *   closed: nothing is treated as approved). Submitting the same id twice is idempotent.
 * - Decisions are delivered to every listener of `onDecision`, possibly more than once for
 *   the same action (the handler keeps the first and ignores the rest).
 * - `expireRequest` is called by the handler when its own deadline passes. The channel records
 *   the timeout if it can; if a decision was recorded before the deadline it returns it, so
 *   agent and inbox agree on one outcome.
 */
export interface ApprovalChannel<Config = never> extends NotificationChannel<Config> {
  /**
   * Optional: the approval timeout (seconds) of actions filed through this channel when
   * neither the request nor the handler sets one (e.g. the guide's `timeout_seconds` of
   * `HumanInTheLoopChannel`). Read at each request, so a channel initialised after the
   * handler was created still counts; `undefined` means "no opinion" (the handler uses 300).
   */
  readonly defaultTimeoutSeconds?: number | undefined;
  submitRequest(request: ApprovalRequest): Promise<void>;
  onDecision(listener: DecisionListener): () => void;
  /** Withdraws a pending request (status CANCELLED). */
  cancelRequest(actionId: string): Promise<ApprovalDecision | undefined>;
  /** Called when the handler's deadline passes; returns an earlier decision if there was one. */
  expireRequest(actionId: string): Promise<ApprovalDecision | undefined>;
  /** The request and its decision so far, for resuming after a restart; `undefined` if unknown. */
  getRecord(actionId: string): Promise<ApprovalRecord | undefined>;
  /**
   * Optional: the handler timed out locally at `timedOutAt` (the channel gave no decision
   * from before the deadline), so it will not act on any decision recorded elsewhere. A
   * channel backed by a shared record tells it (fire and forget); it must never throw.
   */
  reportLocalTimeout?(actionId: string, timedOutAt: Date): void;
}

/** True when `channel` implements {@link ApprovalChannel}. */
export function isApprovalChannel<Config>(
  channel: NotificationChannel<Config>,
): channel is ApprovalChannel<Config> {
  const c = channel as Partial<ApprovalChannel<Config>>;
  return (
    typeof c.submitRequest === "function" &&
    typeof c.onDecision === "function" &&
    typeof c.expireRequest === "function"
  );
}
