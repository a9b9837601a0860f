/**
 * @module approval-middleware
 * One `createAgent` middleware (`wrapToolCall`) that applies per-tool policies to every
 * tool call. "wait" mode waits for the decision in-process through a
 * `HumanActionHandler`; "interrupt" mode raises one LangGraph `interrupt()` per flagged
 * call (each with its own id, `tool_call_id` and `responseSchema`). Each call is decided
 * on its own: approved siblings of a rejected call still run, un-flagged calls run at once.
 */
import { ToolMessage } from "@langchain/core/messages";
import { interrupt } from "@langchain/langgraph";
import {
  ActionStatus,
  HumanAction,
  type HumanActionHandler,
  hashArgs,
  InvalidConfigError,
  type JsonObject,
  type Policies,
  type PolicyVerdict,
  refuseSnakeCaseKeys,
  resolveOutcome,
} from "@safeguards/core";
import { createMiddleware } from "langchain";
import {
  type CallUnderReview,
  decisionProblem,
  type NormalizedDecision,
  normalizeDecision,
  responseSchemaFor,
} from "./decisions.js";
import { approvalInterruptValue } from "./interrupt-payload.js";
import { requestMetadata, reviewCall } from "./review-call.js";
import { modificationNote, refusalMessage, withNote } from "./tool-messages.js";
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
  /** Required in "wait" mode: files flagged calls through an approval channel. */
  handler?: HumanActionHandler;
  /** The agent id reviewers see. @default "langchain-agent" */
  agentId?: string;
}

type Request = {
  toolCall: { id?: string | undefined; name: string; args: Record<string, unknown> };
  tool?: unknown;
  runtime?: { signal?: AbortSignal | undefined };
};
type Handler<R> = (request: R) => Promise<ToolMessage | unknown> | ToolMessage | unknown;

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
  const agentId = options.agentId ?? "langchain-agent";

  const waitForHuman = async <R extends Request>(request: R, next: Handler<R>) => {
    const { toolCall } = request;
    if (isGuardedTool(request.tool) || policies.entryFor(toolCall.name) === false) {
      return next(request);
    }
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
    if (isGuardedTool(request.tool) || policies.entryFor(toolCall.name) === false) {
      return next(request);
    }
    const args = (toolCall.args ?? {}) as JsonObject;
    const toolCallId = toolCall.id ?? "";
    const verdict = await policies.evaluate({ toolName: toolCall.name, args, agentId, toolCallId });
    if (!verdict.required) return next(request);
    const tool = request.tool as { schema?: unknown } | undefined;
    const call: CallUnderReview = {
      toolName: toolCall.name,
      args,
      allowedDecisions: verdict.allowedDecisions,
      validateArgs: (merged) => argsProblem(tool, merged),
    };
    const value = approvalInterruptValue({
      toolCallId,
      toolName: toolCall.name,
      args,
      argsSchema: argsJsonSchema(tool),
      argsHash: hashArgs(args),
      agentId,
      verdict,
      metadata: requestMetadata(verdict, toolCallId),
    });
    const decision = normalizeDecision(
      interrupt(value, { responseSchema: responseSchemaFor(call) }),
    );
    const problem = decisionProblem(decision, call);
    if (problem) {
      return refusalMessage(
        toolCall,
        `The reviewer's decision could not be applied (${problem}); the call was not run.`,
      );
    }
    const action = settledAction(toolCallId, toolCall.name, args, agentId, verdict, decision);
    const outcome = resolveOutcome(action, args, { onTimeout: verdict.onTimeout });
    if (!outcome.run) return refusalMessage(toolCall, outcome.reason);
    const result = await next({ ...request, toolCall: { ...toolCall, args: outcome.args } });
    if (!outcome.modified || !ToolMessage.isInstance(result)) return result;
    return withNote(result, modificationNote(args, outcome.args, decision));
  };

  return createMiddleware({
    name: "SafeguardsApprovalMiddleware",
    wrapToolCall: (request, next) =>
      (mode === "wait" ? waitForHuman : pauseGraph)(
        request as unknown as Request,
        next as unknown as Handler<Request>,
      ) as ReturnType<typeof next>,
  });
}

const STATUS = {
  approve: ActionStatus.APPROVED,
  modify: ActionStatus.MODIFIED,
  reject: ActionStatus.REJECTED,
  timed_out: ActionStatus.TIMED_OUT,
} as const;

/** The decided action of a resumed interrupt, so `resolveOutcome` applies the same rules. */
function settledAction(
  toolCallId: string,
  toolName: string,
  args: JsonObject,
  agentId: string,
  verdict: Extract<PolicyVerdict, { required: true }>,
  decision: NormalizedDecision,
): HumanAction {
  const now = new Date();
  const action = new HumanAction({
    id: `interrupt:${toolCallId}`,
    title: verdict.title,
    description: verdict.description,
    severity: verdict.severity,
    agentId,
    metadata: {},
    action: { name: toolName, args },
    argsHash: decision.argsHash ?? hashArgs(args),
    allowedDecisions: [...verdict.allowedDecisions],
    createdAt: now,
    expiresAt: now,
  });
  action.settle({
    status: STATUS[decision.type],
    ...(decision.type === "modify" && decision.responseData
      ? { responseData: decision.responseData }
      : {}),
    ...(decision.comments !== undefined ? { comments: decision.comments } : {}),
    ...(decision.reviewer !== undefined ? { reviewer: decision.reviewer } : {}),
    decidedAt: now,
  });
  return action;
}
