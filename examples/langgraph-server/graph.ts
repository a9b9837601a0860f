/**
 * @module graph
 * The payments graph the LangGraph server serves (`langgraph.json` lists both exports). A
 * rule-based "model" reads the user's request ("pay ACME 2500.00, ... and check the balance")
 * and turns it into tool calls, so no API key is needed and every thread gets its own calls.
 * model -> approval node -> ToolNode: transfers above 1000.00 wait for a human.
 *
 * Both graphs are compiled WITHOUT a checkpointer: the server attaches its own.
 */
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, type BaseMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import { tool } from "@langchain/core/tools";
import { MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { ToolNode } from "@langchain/langgraph/prebuilt";
import { definePolicies, toDecimal } from "@safeguards/core";
import { createApprovalNode, wireApprovalLoop } from "@safeguards/langgraph";
import { z } from "zod";

/** The agent id carried in every approval payload (the inbox API key speaks for it). */
export const AGENT_ID = "payments-agent";

const transferFunds = tool(async ({ amount, to }) => `Transferred ${amount} to ${to}.`, {
  name: "transfer_funds",
  description: "Transfer money from the main account to a payee",
  schema: z.object({
    amount: z.string().regex(/^\d+\.\d{2}$/, "an amount like 123.45"),
    to: z.string().min(1),
  }),
});

const getBalance = tool(async () => "Balance of the main account: 12000.00", {
  name: "get_balance",
  description: "Read the balance of the main account",
  schema: z.object({}),
});

const tools = [transferFunds, getBalance];

/** Transfers above 1000.00 need a human (an unreadable amount too); balances never do. */
const policies = definePolicies({
  transfer_funds: {
    when: ({ args }) => toDecimal(args.amount)?.gt("1000.00") ?? true,
    title: ({ args }) => `Approve transfer of ${String(args.amount)} to ${String(args.to)}`,
    timeoutSeconds: 600,
  },
  get_balance: false,
});

/** "pay ACME 2500.00", "pay unknown-payee 90000.00": a payee, then an amount. */
const PAYMENT = /\bpay\s+(\S+?)\s+(\d+\.\d{2})\b/gi;

/**
 * A stand-in for a real chat model: on a new request it calls `transfer_funds` for every
 * "pay <payee> <amount>" in the user's text and `get_balance` if the text mentions the
 * balance; once the tools have answered it reports what they said.
 */
class RuleBasedPaymentsModel extends BaseChatModel {
  _llmType() {
    return "rule-based-payments";
  }

  override bindTools() {
    return this as never;
  }

  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    const request = messages.findLastIndex((m) => HumanMessage.isInstance(m));
    const since = messages.slice(request + 1);
    const message = since.some((m) => AIMessage.isInstance(m))
      ? report(since)
      : plan(String(messages[request]?.content ?? ""), request);
    return { generations: [{ text: String(message.content), message }] };
  }
}

/** Tool calls for the user's request (ids unique within the thread: turn + position). */
function plan(text: string, turn: number): AIMessage {
  const calls = [...text.matchAll(PAYMENT)].map(([, to, amount], i) => ({
    id: `call_${turn}_transfer_${i + 1}`,
    name: "transfer_funds",
    args: { amount, to },
  }));
  if (/\bbalance\b/i.test(text)) {
    calls.push({ id: `call_${turn}_balance`, name: "get_balance", args: {} as never });
  }
  if (calls.length === 0)
    return new AIMessage("I can pay a payee (pay ACME 12.50) or read the balance.");
  return new AIMessage({
    content: "",
    tool_calls: calls.map((c) => ({ ...c, type: "tool_call" as const })),
  });
}

/** The answer after the tools ran (or were refused by the reviewer). */
function report(since: BaseMessage[]): AIMessage {
  const lines = since
    .filter((m): m is ToolMessage => ToolMessage.isInstance(m))
    .map((m) => `- ${m.status === "error" ? "not done: " : ""}${String(m.content)}`);
  return new AIMessage(`Here is what happened:\n${lines.join("\n")}`);
}

/** model -> approval node -> ToolNode, looping back to the model after the tools. */
function paymentsGraph(oneAtATime: boolean) {
  const model = new RuleBasedPaymentsModel({});
  return wireApprovalLoop(
    new StateGraph(MessagesAnnotation)
      .addNode("model", async (state) => ({ messages: [await model.invoke(state.messages)] }))
      .addNode("approval", createApprovalNode({ policies, tools, agentId: AGENT_ID, oneAtATime }))
      .addNode("tools", new ToolNode(tools))
      .addEdge(START, "model"),
  ).compile();
}

/** Every flagged call of a turn waits at once; resume keyed by interrupt id. */
export const payments = paymentsGraph(false);

/** One flagged call at a time, for Agent Inbox and Agent Chat UI (they resume un-keyed). */
export const payments_one_at_a_time = paymentsGraph(true);
