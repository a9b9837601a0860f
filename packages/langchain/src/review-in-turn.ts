/**
 * @module review-in-turn
 * `approvalMiddleware({ mode: "interrupt", oneAtATime: true })`: after each model turn, the
 * approval subgraph of `@safeguards/langgraph` asks about the flagged calls one at a time (an
 * `afterModel` step), writes rejections as ToolMessages and edits into the AI message, and
 * records the hash of the arguments each reviewer let run. The tools then run a flagged call
 * only with exactly those arguments.
 */
import { AIMessage } from "@langchain/core/messages";
import { hashArgs, type JsonObject } from "@safeguards/core";
import { ApprovalGraphState, applyReviews, buildApprovalGraph } from "@safeguards/langgraph";
import { z } from "zod";
import {
  isNeverReviewed,
  type MiddlewareContext,
  type NextHandler,
  type ToolCallRequest,
} from "./middleware-context.js";
import { refusalMessage } from "./tool-messages.js";

/** The middleware state `oneAtATime` keeps. */
export const reviewedState = z.object({
  /** Tool call id -> hash of the arguments a reviewer let run. */
  safeguardsReviewed: z.record(z.string(), z.string()).optional(),
});

/** The `afterModel` hook and the `wrapToolCall` of `oneAtATime`. */
export function reviewInTurn(ctx: MiddlewareContext) {
  const approvalGraph = buildApprovalGraph(
    {
      policies: ctx.policies,
      agentId: ctx.agentId,
      oneAtATime: true,
      clock: ctx.clock,
      name: "safeguards_approval",
      tools: ctx.toolList,
    },
    ApprovalGraphState,
  );

  /** After the model: asks about each flagged call in turn, then writes the outcomes. */
  async function afterModel(state: { messages: unknown[] }) {
    const ai = [...state.messages].reverse().find((m) => AIMessage.isInstance(m)) as
      | AIMessage
      | undefined;
    if (!ai?.tool_calls?.length) return undefined;
    const result = await approvalGraph.invoke({ messages: state.messages as never });
    const reviews = result.reviews ?? [];
    if (reviews.length === 0) return undefined;
    const reviewed: Record<string, string> = {};
    for (const o of reviews) if (o.args) reviewed[o.toolCallId] = hashArgs(o.args);
    const notRun = new Set(reviews.filter((o) => !o.args).map((o) => o.toolCallId));
    const left = ai.tool_calls.filter((c) => !c.id || !notRun.has(c.id));
    return {
      messages: applyReviews(ai, reviews),
      safeguardsReviewed: reviewed,
      ...(left.length === 0 ? { jumpTo: "model" as const } : {}),
    };
  }

  /** A flagged call runs only with the arguments its reviewer let run. */
  async function wrapToolCall<R extends ToolCallRequest>(request: R, next: NextHandler<R>) {
    const { toolCall } = request;
    if (isNeverReviewed(ctx, request)) return next(request);
    const args = (toolCall.args ?? {}) as JsonObject;
    const reviewed = toolCall.id ? request.state?.safeguardsReviewed?.[toolCall.id] : undefined;
    if (reviewed !== undefined && reviewed === hashArgs(args)) return next(request);
    const verdict = await ctx.policies.evaluate({
      toolName: toolCall.name,
      args,
      agentId: ctx.agentId,
      ...(toolCall.id ? { toolCallId: toolCall.id } : {}),
    });
    if (!verdict.required) return next(request);
    return refusalMessage(
      toolCall,
      "This call needs a human's approval and was not reviewed with these arguments, so it was not run.",
    );
  }

  return { afterModel, wrapToolCall };
}
