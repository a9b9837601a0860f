/**
 * @module @safeguards/core/interrupts
 * The one vocabulary of approval interrupts shared by `@safeguards/langchain` and
 * `@safeguards/langgraph`: the interrupt payload, the decision shapes every reviewer UI sends
 * (Safeguards, LangChain `HITLResponse`, Agent Inbox / Agent Chat UI `HumanResponse`), their
 * one normaliser and check, the outcome of a decision, and the resume rules.
 */
export type { ApprovalPayload, ApprovalPayloadInput } from "./approval-payload.js";
export {
  APPROVAL_KIND,
  approvalDeadline,
  approvalMetadata,
  buildApprovalPayload,
  isApprovalPayload,
  payloadApprovers,
} from "./approval-payload.js";
export type { DecisionInput, OneDecisionInput } from "./decision-shapes.js";
export {
  coreDecisionSchema,
  decisionInputSchema,
  decisionJsonSchema,
  humanResponseSchema,
  langChainDecisionSchema,
} from "./decision-shapes.js";
export type {
  PendingInterrupt,
  ResumeCheckOptions,
  ResumeInput,
  ResumeProblem,
} from "./resume-check.js";
export { checkResume } from "./resume-check.js";
export type { CallUnderReview, ReviewDecision } from "./review-decision.js";
export { callUnderReview, checkDecision, normalizeDecision } from "./review-decision.js";
export type { ReviewOutcome } from "./review-outcome.js";
export { modificationNote, notRunReason, reviewOutcome } from "./review-outcome.js";
