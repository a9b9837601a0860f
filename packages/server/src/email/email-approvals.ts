/**
 * @module email/email-approvals
 * Email approvals (in progress).
 */
import type { Hono } from "hono";

/** Options of email approvals. */
export interface EmailApprovalOptions {
  from: string;
}

/** Mounts email approvals. */
export function mountEmailApprovals(_app: Hono, _options: EmailApprovalOptions, _deps: unknown) {
  return { close: async () => {} };
}
