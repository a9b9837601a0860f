/**
 * @module pause-for-review
 * `approvalMiddleware({ mode: "interrupt" })`: each flagged call pauses the graph with its own
 * `interrupt()` carrying the shared approval payload. Before it reads its value, the call's
 * task checks the whole resume (`guardResume`), so a refused resume saves nothing; then it runs
 * with exactly the arguments the reviewer let run, or answers the model why it did not.
 */
import { ToolMessage } from "@langchain/core/messages";
import { interrupt } from "@langchain/langgraph";
import type { JsonObject } from "@safeguards/core";
import {
  buildApprovalPayload,
  callUnderReview,
  decisionInputSchema,
  modificationNote,
  normalizeDecision,
  reviewOutcome,
} from "@safeguards/core/interrupts";
import { guardResume } from "@safeguards/langgraph";
import {
  isNeverReviewed,
  type MiddlewareContext,
  type NextHandler,
  type ToolCallRequest,
} from "./middleware-context.js";
import { refusalMessage, withNote } from "./tool-messages.js";
import { argsJsonSchema, argsProblem } from "./tool-schema.js";

/** The `wrapToolCall` of interrupt mode. */
export function pauseForReview(ctx: MiddlewareContext) {
  return async <R extends ToolCallRequest>(request: R, next: NextHandler<R>) => {
    const { toolCall } = request;
    if (isNeverReviewed(ctx, request)) return next(request);
    const args = (toolCall.args ?? {}) as JsonObject;
    const verdict = await ctx.policies.evaluate({
      toolName: toolCall.name,
      args,
      agentId: ctx.agentId,
      ...(toolCall.id ? { toolCallId: toolCall.id } : {}),
    });
    if (!verdict.required) return next(request);
    if (!toolCall.id) {
      return refusalMessage(
        toolCall,
        "This call needs approval but has no id, so it cannot be reviewed; it was not run.",
      );
    }
    const tool = request.tool as { schema?: unknown; description?: string } | undefined;
    const validateArgs = (edited: JsonObject) => argsProblem(tool, edited);
    const payload = buildApprovalPayload({
      toolCallId: toolCall.id,
      toolName: toolCall.name,
      args,
      verdict,
      agentId: ctx.agentId,
      argsSchema: argsJsonSchema(tool),
      toolDescription: tool?.description,
      requestedAt: ctx.now(),
    });
    const checked = await guardResume({
      toolCallId: toolCall.id,
      validatorFor: (p) =>
        ctx.tools.get(p.name)?.validate ??
        (p.tool_call_id === toolCall.id ? validateArgs : undefined),
      now: ctx.now,
    });
    const raw: unknown = interrupt(payload, { responseSchema: decisionInputSchema });
    const known = checked.get(toolCall.id);
    const call = callUnderReview(known?.payload ?? payload, validateArgs);
    const decision = known?.decision ?? normalizeDecision(raw, call, ctx.now());
    const outcome = reviewOutcome(decision, call, ctx.now());
    if (outcome.decision === "rejected" || outcome.decision === "timed_out") {
      return refusalMessage(toolCall, outcome.reason ?? "The call was not run.");
    }
    const runArgs = outcome.args ?? args;
    const result = await next({ ...request, toolCall: { ...toolCall, args: runArgs } });
    if (outcome.decision !== "modified" || !ToolMessage.isInstance(result)) return result;
    return withNote(result, modificationNote(args, runArgs, outcome));
  };
}
