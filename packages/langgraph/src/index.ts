/**
 * @module @safeguards/langgraph
 * Human approval of tool calls inside LangGraph graphs: the approval node (one interrupt per
 * flagged call, or one at a time), routing, resume helpers, the resume guard both adapters
 * use, and the inbox bridge. The interrupt payload and decision vocabulary are core's
 * (`@safeguards/core/interrupts`), re-exported here. Public entry (named re-exports only).
 */

export type {
  ApprovalPayload,
  CallUnderReview,
  DecisionInput,
  ReviewDecision,
  ReviewOutcome,
} from "@safeguards/core/interrupts";
export {
  APPROVAL_KIND,
  decisionInputSchema,
  isApprovalPayload,
  normalizeDecision,
} from "@safeguards/core/interrupts";
export type { ActionDecision } from "./action-decision.js";
export { actionToDecision } from "./action-decision.js";
export { applyReviews } from "./apply-reviews.js";
export type { CreateApprovalNodeOptions } from "./create-approval-node.js";
export {
  ApprovalGraphState,
  buildApprovalGraph,
  createApprovalNode,
} from "./create-approval-node.js";
export type { CreateInboxBridgeOptions, InboxBridge } from "./inbox-bridge.js";
export { approvalRequestId, createInboxBridge } from "./inbox-bridge.js";
export type { PendingApproval, ResumableGraph } from "./resume.js";
export {
  buildResumeCommand,
  listPendingApprovals,
  resumeApprovals,
  strictResumeConfig,
} from "./resume.js";
export type { CheckedDecision, GuardResumeOptions } from "./resume-guard.js";
export { guardResume } from "./resume-guard.js";
export type { ApprovalLoopNames, LoopBuilder } from "./routing.js";
export {
  hasPendingToolCalls,
  routeAfterApproval,
  routeAfterModel,
  wireApprovalLoop,
} from "./routing.js";
export type { ServerClientLike } from "./served-graph.js";
export { runErrorMessage, servedGraph } from "./served-graph.js";
export type {
  PgClientLike,
  PgPoolLike,
  PostgresThreadLockOptions,
  ThreadLock,
} from "./thread-lock.js";
export { createPostgresThreadLock } from "./thread-lock.js";
export type { ToolInfo, ToolLike } from "./tool-schemas.js";
export { toolTable } from "./tool-schemas.js";
export { listCandidateThreads } from "./waiting-threads.js";
