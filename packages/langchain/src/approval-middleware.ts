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
import { AIMessage, ToolMessage } from "@langchain/core/messages";
import { interrupt } from "@langchain/langgraph";
import {
  type Clock,
  type HumanActionHandler,
  hashArgs,
  InvalidConfigError,
  type JsonObject,
  type Policies,
  refuseSnakeCaseKeys,
  systemClock,
} from "@safeguards/core";
import {
  buildApprovalPayload,
  callUnderReview,
  decisionInputSchema,
  modificationNote,
  normalizeDecision,
  reviewOutcome,
} from "@safeguards/core/interrupts";
import {
  ApprovalGraphState,
  applyReviews,
  buildApprovalGraph,
  guardResume,
  type ToolLike,
  toolTable,
} from "@safeguards/langgraph";
import { createMiddleware } from "langchain";
import { z } from "zod";
import { reviewCall } from "./review-call.js";
import { refusalMessage, withNote } from "./tool-messages.js";
import { argsJsonSchema, argsProblem } from "./tool-schema.js";
import { isGuardedTool, isPolicies } from "./with-approval.js";

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

type Request = {
  toolCall: { id?: string | undefined; name: string; args: Record<string, unknown> };
  tool?: unknown;
  state?: { safeguardsReviewed?: Record<string, string> | undefined };
  runtime?: { signal?: AbortSignal | undefined };
};
type Handler<R> = (request: R) => Promise<ToolMessage | unknown> | ToolMessage | unknown;
type Messages = { messages: unknown[] };

const reviewedState = z.object({
  /** Tool call id -> hash of the arguments a reviewer let run (`oneAtATime`). */
  safeguardsReviewed: z.record(z.string(), z.string()).optional(),
});

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
  const agentId = options.agentId ?? "langchain-agent";
  const clock = options.clock ?? systemClock;
  const now = () => new Date(clock.now());
  const knownTools = toolTable(options.tools);
  const skip = (request: Request) =>
    isGuardedTool(request.tool) || policies.entryFor(request.toolCall.name) === false;

  const waitForHuman = async <R extends Request>(request: R, next: Handler<R>) => {
    const { toolCall } = request;
    if (skip(request)) return next(request);
    const args = (toolCall.args ?? {}) as JsonObject;
    const review = await reviewCall({
      policies,
      handler: handler!,
      agentId,
      toolName: toolCall.name,
      args,
      toolCallId: toolCall.id,
      tool: request.tool as { schema?: unknown } | undefined,
      signal: request.runtime?.signal,
    });
    if (!review.run) return refusalMessage(toolCall, review.reason);
    if (!review.action) return next(request);
    const result = await next({ ...request, toolCall: { ...toolCall, args: review.args } });
    return review.note && ToolMessage.isInstance(result) ? withNote(result, review.note) : result;
  };

  const pauseGraph = async <R extends Request>(request: R, next: Handler<R>) => {
    const { toolCall } = request;
    if (skip(request)) return next(request);
    const args = (toolCall.args ?? {}) as JsonObject;
    const verdict = await policies.evaluate({
      toolName: toolCall.name,
      args,
      agentId,
      ...(toolCall.id ? { toolCallId: toolCall.id } : {}),
    });
    if (!verdict.required) return next(request);
    if (!toolCall.id) {
      return refusalMessage(
        toolCall,
        "This call needs approval but has no id, so it cannot be reviewed; it was not run.",
      );
    }
    const tool = request.tool as { schema?: unknown } | undefined;
    const validateArgs = (edited: JsonObject) => argsProblem(tool, edited);
    const payload = buildApprovalPayload({
      toolCallId: toolCall.id,
      toolName: toolCall.name,
      args,
      verdict,
      agentId,
      argsSchema: argsJsonSchema(tool),
      toolDescription: (tool as { description?: string } | undefined)?.description,
      requestedAt: now(),
    });
    const checked = await guardResume({
      toolCallId: toolCall.id,
      validatorFor: (p) =>
        knownTools.get(p.name)?.validate ??
        (p.tool_call_id === toolCall.id ? validateArgs : undefined),
      now,
    });
    const raw: unknown = interrupt(payload, { responseSchema: decisionInputSchema });
    const known = checked.get(toolCall.id);
    const call = callUnderReview(known?.payload ?? payload, validateArgs);
    const decision = known?.decision ?? normalizeDecision(raw, call, now());
    const outcome = reviewOutcome(decision, call, now());
    if (outcome.decision === "rejected" || outcome.decision === "timed_out") {
      return refusalMessage(toolCall, outcome.reason ?? "The call was not run.");
    }
    const runArgs = outcome.args ?? args;
    const result = await next({ ...request, toolCall: { ...toolCall, args: runArgs } });
    if (outcome.decision !== "modified" || !ToolMessage.isInstance(result)) return result;
    return withNote(result, modificationNote(args, runArgs, outcome));
  };

  /** `oneAtATime`: after the model, the approval subgraph asks about each flagged call in turn. */
  const approvalGraph = options.oneAtATime
    ? buildApprovalGraph(
        {
          policies,
          agentId,
          oneAtATime: true,
          clock,
          name: "safeguards_approval",
          ...(options.tools ? { tools: options.tools } : {}),
        },
        ApprovalGraphState,
      )
    : undefined;

  const reviewInTurn = async (state: Messages) => {
    const ai = [...state.messages].reverse().find((m) => AIMessage.isInstance(m)) as
      | AIMessage
      | undefined;
    if (!ai?.tool_calls?.length || !approvalGraph) return undefined;
    const result = await approvalGraph.invoke({ messages: state.messages as never });
    const reviews = result.reviews ?? [];
    if (reviews.length === 0) return undefined;
    const reviewed: Record<string, string> = {};
    for (const o of reviews) if (o.args) reviewed[o.toolCallId] = hashArgs(o.args);
    const messages = applyReviews(ai, reviews);
    const answered = new Set(reviews.filter((o) => !o.args).map((o) => o.toolCallId));
    const left = ai.tool_calls.filter((c) => !c.id || !answered.has(c.id));
    return {
      messages,
      safeguardsReviewed: reviewed,
      ...(left.length === 0 ? { jumpTo: "model" as const } : {}),
    };
  };

  /** `oneAtATime`: a flagged call runs only with the arguments its reviewer let run. */
  const runReviewed = async <R extends Request>(request: R, next: Handler<R>) => {
    const { toolCall } = request;
    if (skip(request)) return next(request);
    const args = (toolCall.args ?? {}) as JsonObject;
    const reviewed = toolCall.id ? request.state?.safeguardsReviewed?.[toolCall.id] : undefined;
    if (reviewed !== undefined && reviewed === hashArgs(args)) return next(request);
    const verdict = await policies.evaluate({
      toolName: toolCall.name,
      args,
      agentId,
      ...(toolCall.id ? { toolCallId: toolCall.id } : {}),
    });
    if (!verdict.required) return next(request);
    return refusalMessage(
      toolCall,
      "This call needs a human's approval and was not reviewed with these arguments, so it was not run.",
    );
  };

  const wrap = mode === "wait" ? waitForHuman : options.oneAtATime ? runReviewed : pauseGraph;
  return createMiddleware({
    name: "SafeguardsApprovalMiddleware",
    ...(options.oneAtATime
      ? {
          stateSchema: reviewedState,
          afterModel: {
            canJumpTo: ["model" as const],
            hook: (state: Messages) => reviewInTurn(state) as never,
          },
        }
      : {}),
    wrapToolCall: (request, next) =>
      wrap(request as unknown as Request, next as unknown as Handler<Request>) as ReturnType<
        typeof next
      >,
  });
}
