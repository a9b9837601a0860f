/**
 * @module middleware-context
 * What every mode of `approvalMiddleware` shares: the resolved options, the shape of a tool
 * call request, and the rule for calls the middleware never reviews.
 */
import type { ToolMessage } from "@langchain/core/messages";
import type { Clock, HumanActionHandler, Policies } from "@safeguards/core";
import type { ToolInfo, ToolLike } from "@safeguards/langgraph";
import { isGuardedTool } from "./with-approval.js";

/** A `wrapToolCall` request, as far as the middleware reads it. */
export type ToolCallRequest = {
  toolCall: { id?: string | undefined; name: string; args: Record<string, unknown> };
  tool?: unknown;
  state?: { safeguardsReviewed?: Record<string, string> | undefined };
  runtime?: { signal?: AbortSignal | undefined };
};

/** The `next` handler of `wrapToolCall`. */
export type NextHandler<R> = (request: R) => Promise<ToolMessage | unknown> | ToolMessage | unknown;

/** The resolved options every mode works with. */
export interface MiddlewareContext {
  policies: Policies;
  agentId: string;
  clock: Clock;
  now: () => Date;
  /** The agent's tools, as given. */
  toolList: readonly ToolLike[];
  /** The agent's tools by name (empty when none were given). */
  tools: Map<string, ToolInfo>;
  handler?: HumanActionHandler | undefined;
}

/** True for calls the middleware leaves alone: tools `withApproval` guards, policies `false`. */
export function isNeverReviewed(ctx: MiddlewareContext, request: ToolCallRequest): boolean {
  return isGuardedTool(request.tool) || ctx.policies.entryFor(request.toolCall.name) === false;
}
