/**
 * @module @safeguards/ai-sdk
 * Human approval for Vercel AI SDK (`ai` 7) tools: `withApproval` and `guardTools` hold a
 * flagged call until a human decides (through any core approval channel, the inbox
 * included), then run exactly what was decided; `needsApprovalFrom` / `requireApprovals`
 * and `decideApprovalRequests` drive the SDK's own `tool-approval-request` /
 * `tool-approval-response` parts from the same policies.
 */
export type { NotApprovedDetails } from "@safeguards/core";
export { CallNotApprovedError } from "@safeguards/core";
export type { ApprovalSource, PendingApprovalRequest } from "./approval-requests.js";
export { pendingApprovalRequests } from "./approval-requests.js";
export type { DecideApprovalsOptions, DecidedApprovals } from "./decide-approvals.js";
export { approvalRequestIdFor, decideApprovalRequests } from "./decide-approvals.js";
export { guardTools } from "./guard-tools.js";
export type { NeedsApproval, NeedsApprovalOptions } from "./needs-approval.js";
export { needsApprovalFrom, requireApprovals } from "./needs-approval.js";
export type { WithApprovalOptions, WithApprovalToolOptions } from "./with-approval.js";
export { GUARDED, isGuardedTool, withApproval } from "./with-approval.js";
