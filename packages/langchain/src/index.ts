/**
 * @module @safeguards/langchain
 * Human approval for LangChain tools and agents: `withApproval`, `guardTools`,
 * `approvalMiddleware`, and the helpers to resume an interrupted agent.
 */
export type { ApprovalMiddlewareOptions } from "./approval-middleware.js";
export { approvalMiddleware } from "./approval-middleware.js";
export type {
  ApprovalDecisionInput,
  CallUnderReview,
  CoreDecision,
  HitlDecision,
  NormalizedDecision,
} from "./decisions.js";
export {
  decisionProblem,
  decisionSchema,
  normalizeDecision,
  responseSchemaFor,
} from "./decisions.js";
export { guardTools } from "./guard-tools.js";
export type { ApprovalInterruptValue } from "./interrupt-payload.js";
export { APPROVAL_INTERRUPT_TYPE, isApprovalInterrupt } from "./interrupt-payload.js";
export type { NotApprovedDetails } from "./not-approved-error.js";
export { CallNotApprovedError } from "./not-approved-error.js";
export type {
  PendingApproval,
  ResumableAgent,
  RunnableConfigLike,
  ThreadApprovals,
} from "./resume.js";
export {
  buildResumeCommand,
  listPendingApprovals,
  readApprovals,
  resumeApprovals,
  strictResumeConfig,
} from "./resume.js";
export type { WithApprovalOptions } from "./with-approval.js";
export { GUARDED, isGuardedTool, withApproval } from "./with-approval.js";
