/**
 * @module approval-middleware
 * One `createAgent` middleware that applies per-tool policies to every tool call.
 * - "wait" mode: the tool call waits in-process for the handler's decision (no checkpointer).
 * - "interrupt" mode: each flagged call pauses the graph with its own `interrupt()` (its own
 *   id, the shared approval payload of `@safeguards/core/interrupts`); every resume is checked
 *   whole before anything is saved (`guardResume`); approved siblings of a rejected call run.
 * - "interrupt" with `oneAtATime`: after the model, the approval subgraph of
 *   `@safeguards/langgraph` asks about the flagged calls in turn (exactly one pending at a
 *   time), then the tools run what was approved.
 * Un-flagged calls run at once in every mode.
 */
import { ToolMessage } from "@langchain/core/messages";
import {
  type Clock,
  type HumanActionHandler,
  InvalidConfigError,
  isPolicies,
  type JsonObject,
  type Policies,
  systemClock,
} from "@safeguards/core";
import { refuseSnakeCaseKeys, reviewCall } from "@safeguards/core/internal";
import { type ToolLike, toolTable } from "@safeguards/langgraph";
import { createMiddleware } from "langchain";
import {
  isNeverReviewed,
  type MiddlewareContext,
  type NextHandler,
  type ToolCallRequest,
} from "./middleware-context.js";
import { pauseForReview } from "./pause-for-review.js";
import { reviewedState, reviewInTurn } from "./review-in-turn.js";
import { refusalMessage, withNote } from "./tool-messages.js";
import { callArgsSchema } from "./tool-schema.js";

/** Options of {@link approvalMiddleware}. */
export interface ApprovalMiddlewareOptions {
  /** Per-tool policies from `definePolicies` (unlisted tools get its default: ask). */
  policies: Policies;
  /**
   * "wait": the tool call waits in-process for the handler's decision (no checkpointer
   * needed). "interrupt": each flagged call pauses the graph with its own `interrupt()`
   * (needs a checkpointer); resume with `resumeApprovals` / `buildResumeCommand`.
   * @default "wait"
   */
  mode?: "wait" | "interrupt";
  /**
   * "interrupt" mode only: ask about the flagged calls of a turn one at a time, so exactly one
   * approval is pending and a UI that resumes un-keyed (Agent Inbox, Agent Chat UI) answers
   * exactly the card it showed. @default false
   */
  oneAtATime?: boolean;
  /** Required in "wait" mode: files flagged calls through an approval channel. */
  handler?: HumanActionHandler;
  /** The agent id reviewers see. @default "langchain-agent" */
  agentId?: string;
  /** "interrupt" mode: source of `requested_at` and of "now" for timeouts. @default systemClock */
  clock?: Clock;
  /**
   * The agent's tools (the list given to `createAgent`): every edit of a resume is checked with
   * its tool's own schema (zod refinements included) before anything of the resume is saved.
   * Without it, an edit is checked against the JSON Schema of its call's tool, and the tool's
   * own schema checks it again when it runs. Required with `oneAtATime`.
   */
  tools?: readonly ToolLike[];
}

/**
 * Creates the approval middleware.
 * @example
 * createAgent({ model, tools, middleware: [approvalMiddleware({ policies, handler, mode: "wait" })] });
 */
export function approvalMiddleware(options: ApprovalMiddlewareOptions) {
  refuseSnakeCaseKeys("approvalMiddleware", options);
  const mode = options?.mode ?? "wait";
  if (!isPolicies(options?.policies)) {
    throw new InvalidConfigError("approvalMiddleware: policies must come from definePolicies(...)");
  }
  if (mode !== "wait" && mode !== "interrupt") {
    throw new InvalidConfigError(`approvalMiddleware: mode must be "wait" or "interrupt"`);
  }
  const { policies, handler } = options;
  if (mode === "wait" && (!handler || typeof handler.requestAction !== "function")) {
    throw new InvalidConfigError(
      'approvalMiddleware: mode "wait" needs a handler (a HumanActionHandler)',
    );
  }
  if (options.oneAtATime && mode !== "interrupt") {
    throw new InvalidConfigError('approvalMiddleware: oneAtATime needs mode "interrupt"');
  }
  if (options.oneAtATime && !Array.isArray(options.tools)) {
    throw new InvalidConfigError(
      "approvalMiddleware: oneAtATime needs `tools` (the agent's tools), so edited arguments are checked before they are saved",
    );
  }
  const clock = options.clock ?? systemClock;
  const ctx: MiddlewareContext = {
    policies,
    handler,
    agentId: options.agentId ?? "langchain-agent",
    clock,
    now: () => new Date(clock.now()),
    toolList: options.tools ?? [],
    tools: toolTable(options.tools),
  };
  const inTurn = options.oneAtATime ? reviewInTurn(ctx) : undefined;
  const wrap =
    mode === "wait" ? waitForHuman(ctx) : inTurn ? inTurn.wrapToolCall : pauseForReview(ctx);
  return createMiddleware({
    name: "SafeguardsApprovalMiddleware",
    ...(inTurn
      ? {
          stateSchema: reviewedState,
          afterModel: {
            canJumpTo: ["model" as const],
            hook: (state: { messages: unknown[] }) => inTurn.afterModel(state) as never,
          },
        }
      : {}),
    wrapToolCall: (request, next) =>
      wrap(
        request as unknown as ToolCallRequest,
        next as unknown as NextHandler<ToolCallRequest>,
      ) as ReturnType<typeof next>,
  });
}

/** `mode: "wait"`: the call waits in-process for the handler's decision. */
function waitForHuman(ctx: MiddlewareContext) {
  return async <R extends ToolCallRequest>(request: R, next: NextHandler<R>) => {
    const { toolCall } = request;
    if (isNeverReviewed(ctx, request)) return next(request);
    const review = await reviewCall({
      policies: ctx.policies,
      handler: ctx.handler!,
      agentId: ctx.agentId,
      toolName: toolCall.name,
      args: (toolCall.args ?? {}) as JsonObject,
      toolCallId: toolCall.id,
      schema: callArgsSchema(request.tool as { schema?: unknown } | undefined),
      signal: request.runtime?.signal,
    });
    if (!review.run) return refusalMessage(toolCall, review.reason);
    if (!review.action) return next(request);
    const result = await next({ ...request, toolCall: { ...toolCall, args: review.args } });
    return review.note && ToolMessage.isInstance(result) ? withNote(result, review.note) : result;
  };
}
