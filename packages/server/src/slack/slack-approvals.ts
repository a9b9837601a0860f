/**
 * @module slack/slack-approvals
 * Slack approvals (in progress).
 */
import type { Hono } from "hono";

/** Options of Slack approvals. */
export interface SlackApprovalOptions {
  signingSecret: string;
}

/** Mounts Slack approvals. */
export function mountSlackApprovals(_app: Hono, _options: SlackApprovalOptions, _deps: unknown) {
  return { close: async () => {} };
}
