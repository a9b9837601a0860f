/**
 * @module @safeguards/ai-sdk
 * Human approval for Vercel AI SDK (`ai` 7) tools: `withApproval` and `guardTools` hold a
 * flagged call until a human decides (through any core approval channel, the inbox
 * included), then run exactly what was decided.
 */
export type { NotApprovedDetails } from "@safeguards/core";
export { CallNotApprovedError } from "@safeguards/core";
export { guardTools } from "./guard-tools.js";
export type { WithApprovalOptions, WithApprovalToolOptions } from "./with-approval.js";
export { GUARDED, isGuardedTool, withApproval } from "./with-approval.js";
