/**
 * @module routing
 * Wires the approval node into the usual agent loop: model -> approval -> tools -> model.
 * Works with `ToolNode`, which runs only the calls that have no ToolMessage yet.
 */
import type { BaseMessage } from "@langchain/core/messages";
import { END } from "@langchain/langgraph";
import { answeredCallIds, lastAiMessage } from "./apply-reviews.js";

/** Node names of the loop. */
export interface ApprovalLoopNames {
  /** @default "model" */
  model?: string;
  /** @default "approval" */
  approval?: string;
  /** @default "tools" */
  tools?: string;
  /** Where the loop ends when the model calls no tool. @default END */
  end?: string;
}

type MessagesState = { messages: BaseMessage[] };

/** True when the last message is an AI message with tool calls not yet answered. */
export function hasPendingToolCalls(messages: readonly BaseMessage[]): boolean {
  const ai = lastAiMessage(messages);
  if (!ai?.tool_calls?.length) return false;
  const answered = answeredCallIds(messages, ai);
  return ai.tool_calls.some((call) => !call.id || !answered.has(call.id));
}

/** After the model: to the approval node when it called tools, else to the end. */
export function routeAfterModel(names: ApprovalLoopNames = {}) {
  const approval = names.approval ?? "approval";
  const end = names.end ?? END;
  return (state: MessagesState): string => {
    const last = state.messages.at(-1);
    return last && lastAiMessage([last]) && hasPendingToolCalls(state.messages) ? approval : end;
  };
}

/** After the approval node: to the tools when a call is left to run, else back to the model. */
export function routeAfterApproval(names: ApprovalLoopNames = {}) {
  const tools = names.tools ?? "tools";
  const model = names.model ?? "model";
  return (state: MessagesState): string => (hasPendingToolCalls(state.messages) ? tools : model);
}

/** The builder methods {@link wireApprovalLoop} uses (any `StateGraph` has them). */
export interface LoopBuilder {
  // biome-ignore lint/suspicious/noExplicitAny: StateGraph's typed overloads vary per graph
  addEdge(from: any, to: any): any;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  addConditionalEdges(source: any, path: any, ends?: any): any;
}

/**
 * Adds the loop's edges to a builder that already has the model, approval and tools nodes:
 * model -> approval (if tool calls, else end), approval -> tools (if any call left, else
 * model), tools -> model. Add `START -> model` yourself.
 * @example
 * const graph = wireApprovalLoop(new StateGraph(MessagesAnnotation)
 *   .addNode("model", callModel).addNode("approval", createApprovalNode({ policies, tools }))
 *   .addNode("tools", new ToolNode(tools)).addEdge(START, "model")).compile({ checkpointer });
 */
export function wireApprovalLoop<B extends LoopBuilder>(
  builder: B,
  names: ApprovalLoopNames = {},
): B {
  const model = names.model ?? "model";
  const approval = names.approval ?? "approval";
  const tools = names.tools ?? "tools";
  const end = names.end ?? END;
  builder.addConditionalEdges(model, routeAfterModel(names), [approval, end]);
  builder.addConditionalEdges(approval, routeAfterApproval(names), [tools, model]);
  builder.addEdge(tools, model);
  return builder;
}
