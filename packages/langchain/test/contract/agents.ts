/**
 * @module contract/agents
 * The payments agents of the resume contract, in both adapters' forms: a LangGraph graph with
 * `createApprovalNode`, and a `createAgent` agent with `approvalMiddleware({ mode: "interrupt" })`,
 * each with and without `oneAtATime`. The model is scripted by the user's message (a JSON list
 * of tool calls), so one served graph can run many threads. What ran is visible in the thread's
 * ToolMessages ("Transferred 2500.00 to ACME"), in-process and on the LangGraph server alike.
 * Exported compiled WITHOUT a checkpointer for the server (it attaches its own).
 */

import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, type BaseMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import { tool } from "@langchain/core/tools";
import {
  type BaseCheckpointSaver,
  MessagesAnnotation,
  START,
  StateGraph,
} from "@langchain/langgraph";
import { ToolNode } from "@langchain/langgraph/prebuilt";
import { type Clock, Decimal, definePolicies } from "@safeguards/core";
import { createApprovalNode, wireApprovalLoop } from "@safeguards/langgraph";
import { createAgent } from "langchain";
import { z } from "zod";
import { approvalMiddleware } from "../../src/index.js";

/** One tool call the scripted model makes. */
export type ScriptedCall = { name: string; args: Record<string, unknown>; id: string };

/** The user's message that makes the scripted model call `calls` once, then answer "done". */
export function script(calls: ScriptedCall[]): HumanMessage {
  return new HumanMessage(JSON.stringify({ calls }));
}

/** A chat model that calls the tools listed in the last user message, then says "done". */
class ScriptedModel extends BaseChatModel {
  _llmType() {
    return "scripted";
  }
  override bindTools() {
    return this as never;
  }
  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    const lastHuman = [...messages].reverse().find((m) => HumanMessage.isInstance(m));
    const after = lastHuman ? messages.slice(messages.indexOf(lastHuman) + 1) : [];
    const called = after.some((m) => AIMessage.isInstance(m));
    let message: AIMessage;
    if (!called && lastHuman) {
      const { calls } = JSON.parse(String(lastHuman.content)) as { calls: ScriptedCall[] };
      message = new AIMessage({
        content: "",
        tool_calls: calls.map((c) => ({ ...c, type: "tool_call" as const })),
      });
    } else {
      message = new AIMessage("done");
    }
    return { generations: [{ text: String(message.content), message }] };
  }
}

const transferFunds = tool(async (args) => `Transferred ${args.amount} to ${args.to}`, {
  name: "transfer_funds",
  description: "Transfer money to a payee",
  schema: z.object({
    amount: z.string().regex(/^\d+\.\d{2}$/, "amount must look like 123.45"),
    to: z.string().min(1),
  }),
});
const getBalance = tool(async () => "Balance: 5000.00", {
  name: "get_balance",
  description: "Read the balance",
  schema: z.object({}),
});
/** The agents' tools. */
export const tools = [transferFunds, getBalance];

/** transfer_funds needs a human above 1000.00; get_balance never. */
export const policies = definePolicies({
  transfer_funds: {
    when: ({ args }) => new Decimal(String(args.amount)).gt("1000.00"),
    title: ({ args }) => `Approve transfer of ${String(args.amount)} to ${String(args.to)}`,
    timeoutSeconds: 600,
  },
  get_balance: false,
});

/** Options of the agent builders. */
export interface AgentOptions {
  oneAtATime?: boolean;
  checkpointer?: BaseCheckpointSaver;
  clock?: Clock;
}

/** model -> approval node -> ToolNode, as the langgraph README shows. */
export function approvalGraph(options: AgentOptions = {}) {
  const model = new ScriptedModel({});
  const callModel = async (state: typeof MessagesAnnotation.State) => ({
    messages: [await model.invoke(state.messages)],
  });
  const builder = new StateGraph(MessagesAnnotation)
    .addNode("model", callModel)
    .addNode(
      "approval",
      createApprovalNode({
        policies,
        tools,
        agentId: "payments",
        ...(options.oneAtATime ? { oneAtATime: true } : {}),
        ...(options.clock ? { clock: options.clock } : {}),
      }),
    )
    .addNode("tools", new ToolNode(tools))
    .addEdge(START, "model");
  return wireApprovalLoop(builder).compile(
    options.checkpointer ? { checkpointer: options.checkpointer } : {},
  );
}

/** `createAgent` with `approvalMiddleware({ mode: "interrupt" })`. */
export function middlewareAgent(options: AgentOptions = {}) {
  return createAgent({
    model: new ScriptedModel({}),
    tools,
    middleware: [
      approvalMiddleware({
        policies,
        mode: "interrupt",
        agentId: "payments",
        ...(options.oneAtATime ? { oneAtATime: true, tools } : {}),
        ...(options.clock ? { clock: options.clock } : {}),
      }),
    ],
    ...(options.checkpointer ? { checkpointer: options.checkpointer } : {}),
  });
}

/** The tool results of a thread's messages by tool call id (content, and whether it ran). */
export function toolResults(
  messages: readonly unknown[],
): Record<string, { ran: boolean; content: string; count: number }> {
  const out: Record<string, { ran: boolean; content: string; count: number }> = {};
  for (const m of messages) {
    const msg = m as {
      type?: string;
      tool_call_id?: string;
      content?: unknown;
      status?: string;
      _getType?: () => string;
    };
    const isTool = ToolMessage.isInstance(m) || msg.type === "tool";
    if (!isTool || typeof msg.tool_call_id !== "string") continue;
    const content = typeof msg.content === "string" ? msg.content : JSON.stringify(msg.content);
    const count = (out[msg.tool_call_id]?.count ?? 0) + 1;
    const ran = msg.status !== "error" && /Transferred|Balance/.test(content);
    out[msg.tool_call_id] = { ran, content, count };
  }
  return out;
}

// The graphs the LangGraph server serves (it attaches its own checkpointer).
export const servedApprovalGraph = approvalGraph();
export const servedApprovalGraphOneAtATime = approvalGraph({ oneAtATime: true });
export const servedMiddlewareAgent = middlewareAgent().graph;
export const servedMiddlewareAgentOneAtATime = middlewareAgent({ oneAtATime: true }).graph;
