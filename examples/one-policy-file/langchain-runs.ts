/**
 * @module langchain-runs
 * The scenario in LangChain (`createAgent` with `guardTools` from `@safeguards/langchain`,
 * waiting on an in-process channel) and in LangGraph (a graph with `createApprovalNode` from
 * `@safeguards/langgraph`, interrupted, then resumed with the reviewer's decisions), both
 * with the one policy file. The models are LangChain's scripted `fakeModel`.
 */
import { AIMessage, type BaseMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import { tool } from "@langchain/core/tools";
import { MemorySaver, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { ToolNode } from "@langchain/langgraph/prebuilt";
import { HumanActionHandler, InProcessApprovalChannel } from "@safeguards/core";
import { guardTools } from "@safeguards/langchain";
import {
  createApprovalNode,
  listPendingApprovals,
  resumeApprovals,
  wireApprovalLoop,
} from "@safeguards/langgraph";
import { createAgent } from "langchain";
import { z } from "zod";
import { policies } from "./policies.js";
import { bank, CALLS, decide, inProcessReviewer, type Outcome } from "./scenario.js";

function langchainTools(ran: string[]) {
  const { transfer, balance } = bank(ran);
  return [
    tool(async (args) => transfer(args), {
      name: "transfer_funds",
      description: "Transfer money to a payee",
      schema: z.object({ amount: z.string(), to: z.string() }),
    }),
    tool(async () => balance(), {
      name: "get_balance",
      description: "Read the balance",
      schema: z.object({}),
    }),
  ];
}

const scriptedModel = () =>
  fakeModel()
    .respondWithTools(CALLS.map((c) => ({ id: c.id, name: c.name, args: c.args })))
    .respond(new AIMessage("done"));

function toolResults(messages: BaseMessage[]): Record<string, string> {
  const results: Record<string, string> = {};
  for (const m of messages) {
    if (ToolMessage.isInstance(m)) results[m.tool_call_id] = String(m.content);
  }
  return results;
}

/** LangChain: `createAgent` whose tools are wrapped by `guardTools(tools, policies)`. */
export async function runLangChain(): Promise<Outcome> {
  const ran: string[] = [];
  const asked: Outcome["asked"] = [];
  const channel = new InProcessApprovalChannel();
  inProcessReviewer(channel, asked);
  const handler = new HumanActionHandler(channel);
  const tools = guardTools(langchainTools(ran), policies, { handler, agentId: "bank-bot" });
  const agent = createAgent({ model: scriptedModel(), tools });
  const { messages } = await agent.invoke({ messages: [new HumanMessage("pay")] });
  handler.shutdown();
  return { asked, ran, results: toolResults(messages) };
}

/** LangGraph: model -> `createApprovalNode({ policies })` -> ToolNode, resumed per call. */
export async function runLangGraph(): Promise<Outcome> {
  const ran: string[] = [];
  const tools = langchainTools(ran);
  const model = scriptedModel();
  const graph = wireApprovalLoop(
    new StateGraph(MessagesAnnotation)
      .addNode("model", async (state) => ({ messages: [await model.invoke(state.messages)] }))
      .addNode("approval", createApprovalNode({ policies, tools, agentId: "bank-bot" }))
      .addNode("tools", new ToolNode(tools))
      .addEdge(START, "model"),
  ).compile({ checkpointer: new MemorySaver() });
  const config = { configurable: { thread_id: "one-policy-file" } };
  await graph.invoke({ messages: [new HumanMessage("pay")] }, config);
  const pending = await listPendingApprovals(graph, config);
  const asked = pending.map((p) => ({
    tool: p.name,
    args: p.payload.args,
    title: p.payload.title,
  }));
  const decisions = Object.fromEntries(pending.map((p) => [p.toolCallId, decide(p.payload)]));
  const { messages } = (await resumeApprovals(graph, config, decisions)) as {
    messages: BaseMessage[];
  };
  return { asked, ran, results: toolResults(messages) };
}
