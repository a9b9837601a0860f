/**
 * @module create-approval-node
 * The approval node: a compiled subgraph, added to a messages graph as one node, that reads
 * the last AI message's tool calls, applies the per-tool policies and pauses for every flagged
 * call. By default each flagged call is its own `Send` task, so every flagged call of a turn
 * surfaces at once with its own interrupt id (resume them keyed). With `oneAtATime`, one task
 * asks about the calls in turn, so exactly one approval is pending at any time and a UI that
 * shows one card and resumes un-keyed answers exactly that card. Every resume is checked whole
 * before anything of it is saved (`resume-guard`). After the last decision, the outcome is
 * written into the messages.
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
  type ApprovalPayload,
  buildApprovalPayload,
  callUnderReview,
  decisionInputSchema,
  normalizeDecision,
  type ReviewOutcome,
  reviewOutcome,
} from "@safeguards/core/interrupts";
import { answeredCallIds, applyReviews, lastAiMessage } from "./apply-reviews.js";
import { type CheckedDecision, guardResume } from "./resume-guard.js";
import { type ToolInfo, type ToolLike, toolTable } from "./tool-schemas.js";

/** Options of {@link createApprovalNode}. */
export interface CreateApprovalNodeOptions {
  /** Per-tool policies from `definePolicies` (tools not listed need approval by default). */
  policies: Policies;
  /** Passed to the policies and carried in the payload. @default "langgraph" */
  agentId?: string;
  /** The agent's tools: their schemas are shown to reviewers and check edited arguments. */
  tools?: readonly ToolLike[];
  /**
   * Ask about the flagged calls of a turn one at a time (the next surfaces after the previous
   * is answered), for UIs that show one card and resume un-keyed (Agent Inbox, Agent Chat UI).
   * @default false (every flagged call surfaces at once; resume keyed by interrupt id)
   */
  oneAtATime?: boolean;
  /** Source of `requested_at` and of "now" for timeouts. @default systemClock */
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
  return buildApprovalGraph(options, MessagesAnnotation);
}

/**
 * The approval subgraph with a chosen output: `MessagesAnnotation` (what
 * {@link createApprovalNode} returns) or {@link ApprovalGraphState} (messages, planned and
 * `reviews`: what `@safeguards/langchain`'s middleware reads).
 */
export function buildApprovalGraph<O extends typeof MessagesAnnotation | typeof ApprovalState>(
  options: CreateApprovalNodeOptions,
  output: O,
) {
  if (!options || typeof options.policies?.evaluate !== "function") {
    throw new InvalidConfigError(
      "createApprovalNode: `policies` (from definePolicies) is required",
    );
  }
  const tools = toolTable(options.tools);
  const clock = options.clock ?? systemClock;
  const now = () => new Date(clock.now());
  const { policies } = options;
  const agentId = options.agentId ?? "langgraph";
  const validatorFor = (payload: ApprovalPayload) => tools.get(payload.name)?.validate;

  /** Flags calls. Runs once per turn; its result is saved before any interrupt. */
  async function plan(state: State) {
    const ai = lastAiMessage(state.messages);
    if (!ai?.tool_calls?.length) return { planned: [] };
    const answered = answeredCallIds(state.messages, ai);
    const requestedAt = now();
    const planned: ApprovalPayload[] = [];
    for (const call of ai.tool_calls) {
      if (call.id && answered.has(call.id)) continue;
      const args = (call.args ?? {}) as JsonObject;
      const verdict = await policies.evaluate({
        toolName: call.name,
        args,
        agentId,
        ...(call.id ? { toolCallId: call.id } : {}),
      });
      if (!verdict.required) continue;
      if (!call.id) {
        // fail closed: a call that cannot be answered by id must not reach the tool node
        throw new SafeguardsError(
          ErrorCode.INVALID_ARGUMENT,
          `Tool call ${call.name} needs approval but has no id, so it cannot be reviewed; nothing was run`,
        );
      }
      const tool: ToolInfo | undefined = tools.get(call.name);
      planned.push(
        buildApprovalPayload({
          toolCallId: call.id,
          toolName: call.name,
          args,
          verdict,
          agentId,
          argsSchema: tool?.argsSchema,
          toolDescription: tool?.description,
          aiMessageId: ai.id,
          requestedAt,
        }),
      );
    }
    return { planned };
  }

  /** Pauses for one call's decision; a decision the guard checked comes with its stored payload. */
  function ask(payload: ApprovalPayload, checked: Map<string, CheckedDecision>): ReviewOutcome {
    const raw: unknown = interrupt(payload, { responseSchema: decisionInputSchema });
    const known = checked.get(payload.tool_call_id);
    const call = callUnderReview(known?.payload ?? payload, validatorFor(payload));
    const decision = known?.decision ?? normalizeDecision(raw, call, now());
    return reviewOutcome(decision, call, now());
  }

  /** One flagged call (its own task). Nothing before `interrupt` has side effects. */
  async function review(input: { payload: ApprovalPayload }) {
    const toolCallId = input.payload.tool_call_id;
    const checked = await guardResume({ toolCallId, validatorFor, now });
    return { reviews: [ask(input.payload, checked)] };
  }

  /** Every flagged call in turn, one interrupt at a time (`oneAtATime`). */
  async function reviewInTurn(state: State) {
    const checked = await guardResume({ validatorFor, now });
    return { reviews: state.planned.map((payload) => ask(payload, checked)) };
  }

  /** Writes every outcome into the messages once all flagged calls are decided. */
  function finish(state: State) {
    const ai = lastAiMessage(state.messages);
    if (!ai || state.reviews.length === 0) return {};
    const messages: BaseMessage[] = applyReviews(ai, state.reviews);
    return { messages };
  }

  const fanOut = (state: State) => {
    if (state.planned.length === 0) return END;
    if (options.oneAtATime) return "review_in_turn";
    return state.planned.map((payload) => new Send("review", { payload }));
  };

  return new StateGraph({ stateSchema: ApprovalState, input: MessagesAnnotation, output })
    .addNode("plan", plan)
    .addNode("review", review as never)
    .addNode("review_in_turn", reviewInTurn)
    .addNode("finish", finish)
    .addEdge(START, "plan")
    .addConditionalEdges("plan", fanOut, ["review", "review_in_turn", END])
    .addEdge("review", "finish")
    .addEdge("review_in_turn", "finish")
    .addEdge("finish", END)
    .compile({ name: options.name ?? "approval" });
}

/** The full state of the approval subgraph (an output for {@link buildApprovalGraph}). */
export const ApprovalGraphState = ApprovalState;
