/**
 * @module create-approval-node
 * The approval node: a compiled subgraph, added to a messages graph as one node, that
 * reads the last AI message's tool calls, applies the per-tool policies and pauses once
 * per flagged call (one `Send` task, so one interrupt id, per call: every flagged call of a
 * turn surfaces at once). After resume it writes the outcome into the messages.
 */
import type { BaseMessage } from "@langchain/core/messages";
import {
  Annotation,
  END,
  interrupt,
  MessagesAnnotation,
  Send,
  START,
  StateGraph,
} from "@langchain/langgraph";
import {
  type Clock,
  ErrorCode,
  InvalidConfigError,
  type JsonObject,
  type Policies,
  SafeguardsError,
  systemClock,
} from "@safeguards/core";
import {
  answeredCallIds,
  applyReviews,
  lastAiMessage,
  type ReviewOutcome,
  rejectionText,
} from "./apply-reviews.js";
import { type DecisionContext, decisionSchemaFor, normalizeDecision } from "./interop.js";
import { type ApprovalPayload, buildPayload } from "./payload.js";
import { type ToolLike, toolTable } from "./tool-schemas.js";

/** Options of {@link createApprovalNode}. */
export interface CreateApprovalNodeOptions {
  /** Per-tool policies from `definePolicies` (tools not listed need approval by default). */
  policies: Policies;
  /** Passed to the policies and carried in the payload. */
  agentId?: string;
  /** The agent's tools: their schemas are shown to reviewers and check modified arguments. */
  tools?: readonly ToolLike[];
  /** Source of `requested_at`. @default systemClock */
  clock?: Clock;
  /** Name of the compiled subgraph (use the same name for the node). @default "approval" */
  name?: string;
}

const ApprovalState = Annotation.Root({
  ...MessagesAnnotation.spec,
  planned: Annotation<ApprovalPayload[]>({ reducer: (_old, next) => next, default: () => [] }),
  reviews: Annotation<ReviewOutcome[]>({
    reducer: (old, next) => old.concat(next),
    default: () => [],
  }),
});
type State = typeof ApprovalState.State;

/**
 * Creates the approval node. Add it with `graph.addNode("approval", createApprovalNode({...}))`
 * between the model node and a `ToolNode` (see {@link wireApprovalLoop}); the graph needs a
 * checkpointer.
 */
export function createApprovalNode(options: CreateApprovalNodeOptions) {
  if (!options || typeof options.policies?.evaluate !== "function") {
    throw new InvalidConfigError(
      "createApprovalNode: `policies` (from definePolicies) is required",
    );
  }
  const tools = toolTable(options.tools);
  const clock = options.clock ?? systemClock;
  const { policies, agentId } = options;

  /** Flags calls. Runs once per turn; its result is saved before any interrupt. */
  async function plan(state: State) {
    const ai = lastAiMessage(state.messages);
    if (!ai?.tool_calls?.length) return { planned: [] };
    const answered = answeredCallIds(state.messages, ai);
    const requestedAt = new Date(clock.now());
    const planned: ApprovalPayload[] = [];
    for (const call of ai.tool_calls) {
      if (call.id && answered.has(call.id)) continue;
      const args = (call.args ?? {}) as JsonObject;
      const verdict = await policies.evaluate({
        toolName: call.name,
        args,
        ...(call.id ? { toolCallId: call.id } : {}),
        ...(agentId !== undefined ? { agentId } : {}),
      });
      if (!verdict.required) continue;
      if (!call.id) {
        // fail closed: a call that cannot be answered by id must not reach the tool node
        throw new SafeguardsError(
          ErrorCode.INVALID_ARGUMENT,
          `Tool call ${call.name} needs approval but has no id, so it cannot be reviewed; nothing was run`,
        );
      }
      const tool = tools.get(call.name);
      planned.push(
        buildPayload({
          toolCallId: call.id,
          name: call.name,
          args,
          ...(tool?.argsSchema ? { argsSchema: tool.argsSchema } : {}),
          ...(tool?.description ? { toolDescription: tool.description } : {}),
          title: verdict.title,
          description: verdict.description,
          severity: verdict.severity,
          allowedDecisions: verdict.allowedDecisions,
          ...(verdict.timeoutSeconds !== undefined
            ? { timeoutSeconds: verdict.timeoutSeconds }
            : {}),
          onTimeout: verdict.onTimeout,
          ...(agentId !== undefined ? { agentId } : {}),
          ...(verdict.reviewers ? { reviewers: verdict.reviewers } : {}),
          ...(verdict.channel !== undefined ? { channel: verdict.channel } : {}),
          ...(verdict.policyError !== undefined ? { policyError: verdict.policyError } : {}),
          ...(ai.id !== undefined ? { aiMessageId: ai.id } : {}),
          requestedAt,
        }),
      );
    }
    return { planned };
  }

  /** One flagged call: pauses until its decision. Nothing before `interrupt` has side effects. */
  function review(input: { payload: ApprovalPayload }) {
    const { payload } = input;
    const validate = tools.get(payload.name)?.validate;
    const ctx: DecisionContext = {
      toolCallId: payload.tool_call_id,
      name: payload.name,
      args: payload.args,
      allowedDecisions: payload.allowed_decisions,
      onTimeout: payload.on_timeout,
      ...(validate ? { validateArgs: validate } : {}),
    };
    const raw: unknown = interrupt(payload, { responseSchema: decisionSchemaFor(ctx) });
    const decision = normalizeDecision(raw, ctx);
    const base = { toolCallId: payload.tool_call_id, name: payload.name };
    const who = decision.reviewer !== undefined ? { reviewer: decision.reviewer } : {};
    let outcome: ReviewOutcome;
    if (decision.type === "approve") {
      outcome = { ...base, decision: "approved", ...who };
    } else if (decision.type === "modify") {
      outcome = {
        ...base,
        decision: "modified",
        args: decision.args,
        ...who,
        ...(decision.comments !== undefined ? { comments: decision.comments } : {}),
      };
    } else {
      const kind = decision.timedOut ? "timed_out" : "rejected";
      const partial = {
        ...base,
        decision: kind,
        ...who,
        ...(decision.reason !== undefined ? { comments: decision.reason } : {}),
      } as const;
      outcome = { ...partial, reason: rejectionText(partial) };
    }
    return { reviews: [outcome] };
  }

  /** Writes every outcome into the messages once all flagged calls are decided. */
  function finish(state: State) {
    const ai = lastAiMessage(state.messages);
    if (!ai || state.reviews.length === 0) return {};
    const messages: BaseMessage[] = applyReviews(ai, state.reviews);
    return { messages };
  }

  const fanOut = (state: State) =>
    state.planned.length === 0
      ? END
      : state.planned.map((payload) => new Send("review", { payload }));

  return new StateGraph({
    stateSchema: ApprovalState,
    input: MessagesAnnotation,
    output: MessagesAnnotation,
  })
    .addNode("plan", plan)
    .addNode("review", review as never)
    .addNode("finish", finish)
    .addEdge(START, "plan")
    .addConditionalEdges("plan", fanOut, ["review", END])
    .addEdge("review", "finish")
    .addEdge("finish", END)
    .compile({ name: options.name ?? "approval" });
}
