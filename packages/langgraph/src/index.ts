/**
 * @module @safeguards/langgraph
 * Human approval of tool calls inside LangGraph graphs: the approval node (one interrupt
 * per flagged call), routing, resume helpers, LangChain / Agent Inbox interop and the
 * inbox bridge. Public entry (named re-exports only).
 */

export { actionToDecision } from "./action-decision.js";
export type { ReviewOutcome } from "./apply-reviews.js";
export { applyReviews, rejectionText } from "./apply-reviews.js";
export type { CreateApprovalNodeOptions } from "./create-approval-node.js";
export { createApprovalNode } from "./create-approval-node.js";
export type { CreateInboxBridgeOptions, InboxBridge } from "./inbox-bridge.js";
export { approvalRequestId, createInboxBridge } from "./inbox-bridge.js";
export type {
  DecisionContext,
  DecisionInput,
  HitlRequestFields,
  ReviewDecision,
  SafeguardsDecision,
} from "./interop.js";
export {
  decisionSchemaFor,
  decisionShapeSchema,
  hitlRequestFields,
  normalizeDecision,
  toLangChainDecisions,
} from "./interop.js";
export type { ApprovalPayload } from "./payload.js";
export { isApprovalPayload, PAYLOAD_KIND } from "./payload.js";
export type { PendingApproval, ResumableGraph } from "./resume.js";
export {
  buildResumeCommand,
  listPendingApprovals,
  resumeApprovals,
  strictResumeConfig,
} from "./resume.js";
export type { ApprovalLoopNames, LoopBuilder } from "./routing.js";
export {
  hasPendingToolCalls,
  routeAfterApproval,
  routeAfterModel,
  wireApprovalLoop,
} from "./routing.js";
export type {
  PgClientLike,
  PgPoolLike,
  PostgresThreadLockOptions,
  ThreadLock,
} from "./thread-lock.js";
export { createPostgresThreadLock } from "./thread-lock.js";
export type { ToolInfo, ToolLike } from "./tool-schemas.js";
export { listCandidateThreads } from "./waiting-threads.js";
