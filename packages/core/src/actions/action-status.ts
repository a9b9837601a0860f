/**
 * @module action-status
 * The life of a human action: PENDING, then exactly one terminal status.
 */

/** Status of a human action. `ActionStatus.APPROVED` and the string `"approved"` are the same. */
export const ActionStatus = {
  PENDING: "pending",
  APPROVED: "approved",
  MODIFIED: "modified",
  REJECTED: "rejected",
  TIMED_OUT: "timed_out",
  CANCELLED: "cancelled",
} as const;

/** One of the {@link ActionStatus} values. */
export type ActionStatus = (typeof ActionStatus)[keyof typeof ActionStatus];

/** A status that can never change again. */
export type TerminalStatus = Exclude<ActionStatus, "pending">;

/** Every terminal status, in a stable order. */
export const TERMINAL_STATUSES: readonly TerminalStatus[] = [
  ActionStatus.APPROVED,
  ActionStatus.MODIFIED,
  ActionStatus.REJECTED,
  ActionStatus.TIMED_OUT,
  ActionStatus.CANCELLED,
];

/** True when `status` is final. */
export function isTerminalStatus(status: ActionStatus): status is TerminalStatus {
  return status !== ActionStatus.PENDING;
}

/** What a reviewer may decide: approve as is, modify the arguments, or reject. */
export const DecisionType = {
  APPROVE: "approve",
  MODIFY: "modify",
  REJECT: "reject",
} as const;

/** One of the {@link DecisionType} values. */
export type DecisionType = (typeof DecisionType)[keyof typeof DecisionType];

/** Every decision type, the default set of allowed decisions. */
export const ALL_DECISIONS: readonly DecisionType[] = ["approve", "modify", "reject"];

/** The status a reviewer's decision type leads to. */
export function statusForDecision(type: DecisionType): TerminalStatus {
  return type === "approve" ? "approved" : type === "modify" ? "modified" : "rejected";
}
