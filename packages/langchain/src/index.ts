/**
 * @module @safeguards/langchain
 * Human approval for LangChain tools and agents: `withApproval`, `guardTools`,
 * `approvalMiddleware`, and the helpers to resume an interrupted agent (the same ones as
 * `@safeguards/langgraph`'s: one vocabulary, `@safeguards/core/interrupts`).
 */
export type { NotApprovedDetails } from "@safeguards/core";
export { CallNotApprovedError } from "@safeguards/core";
export type {
  ApprovalPayload,
  DecisionInput,
  PendingApproval,
  ResumableGraph,
  ReviewDecision,
} from "@safeguards/langgraph";
export {
  APPROVAL_KIND,
  buildResumeCommand,
  isApprovalPayload,
  listPendingApprovals,
  normalizeDecision,
  resumeApprovals,
  strictResumeConfig,
} from "@safeguards/langgraph";
export type { ApprovalMiddlewareOptions } from "./approval-middleware.js";
export { approvalMiddleware } from "./approval-middleware.js";
export { guardTools } from "./guard-tools.js";
export type { WithApprovalOptions } from "./with-approval.js";
export { GUARDED, isGuardedTool, withApproval } from "./with-approval.js";
