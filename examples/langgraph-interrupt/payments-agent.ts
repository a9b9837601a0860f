/**
 * @module payments-agent
 * The example's LangGraph agent: a scripted model (no API key needed), payment tools, the
 * per-tool policies, and the approval node between the model and a `ToolNode`, with a
 * SQLite checkpointer (or, with `databaseUrl`, a PostgreSQL one shared by every worker) so a
 * waiting thread survives the process.
 */
import { AIMessage, type BaseMessage, ToolMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import { tool } from "@langchain/core/tools";
import { MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { ToolNode } from "@langchain/langgraph/prebuilt";
import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { definePolicies, toDecimal } from "@safeguards/core";
import { createApprovalNode, wireApprovalLoop } from "@safeguards/langgraph";
import { z } from "zod";

/** The agent id (the inbox API key speaks for it). */
export const AGENT_ID = "payments-agent";
/** The conversation the example runs. */
export const THREAD_ID = "customer-4711";

const money = z.string().regex(/^\d+\.\d{2}$/, "an amount like 1800.00");

/** The tools; `ran` records what actually ran, for the example's checks. */
export function paymentTools(ran: string[]) {
  return [
    tool(
      async ({ amount, to }) => {
        ran.push(`transfer_funds ${amount} -> ${to}`);
        return `Transferred ${amount} to ${to}.`;
      },
      {
        name: "transfer_funds",
        description: "Transfer money to a payee",
        schema: z.object({ amount: money, to: z.string().min(1) }),
      },
    ),
    tool(
      async ({ account }) => {
        ran.push(`close_account ${account}`);
        return `Account ${account} closed.`;
      },
      {
        name: "close_account",
        description: "Close a customer account",
        schema: z.object({ account: z.string() }),
      },
    ),
    tool(
      async ({ account }) => {
        ran.push(`get_balance ${account}`);
        return `Balance of ${account}: 12000.00`;
      },
      {
        name: "get_balance",
        description: "Read an account balance",
        schema: z.object({ account: z.string() }),
      },
    ),
  ];
}

/** Transfers over 1000.00 and every account closure need a human; balances never do. */
export const policies = definePolicies({
  transfer_funds: {
    when: ({ args }) => toDecimal(args.amount)?.gt("1000.00") ?? true,
    title: ({ args }) => `Approve transfer of ${String(args.amount)} to ${String(args.to)}`,
    timeoutSeconds: 600,
    onTimeout: "reject",
  },
  close_account: { allowedDecisions: ["approve", "reject"], severity: "CRITICAL" },
  get_balance: false,
});

/** The model's first turn: four tool calls, three of them flagged by the policies. */
const FIRST_TURN = [
  { id: "call_transfer_acme", name: "transfer_funds", args: { amount: "2500.00", to: "ACME Ltd" } },
  { id: "call_transfer_x", name: "transfer_funds", args: { amount: "9000.00", to: "unknown-x" } },
  { id: "call_close", name: "close_account", args: { account: "ACC-OLD-17" } },
  { id: "call_balance", name: "get_balance", args: { account: "ACC-MAIN" } },
];

/** The model's last turn: sums up what the tools said (ran or refused). */
function summary(messages: BaseMessage[]): AIMessage {
  const lines = messages
    .filter((m): m is ToolMessage => ToolMessage.isInstance(m))
    .map(
      (m) => `- ${m.tool_call_id}: ${m.status === "error" ? "NOT RUN: " : ""}${String(m.content)}`,
    );
  return new AIMessage(`Done.\n${lines.join("\n")}`);
}

/** Creates the PostgreSQL checkpoint tables: once per database, before any worker starts. */
export async function setupPostgres(databaseUrl: string): Promise<void> {
  const saver = PostgresSaver.fromConnString(databaseUrl);
  try {
    await saver.setup();
  } finally {
    await saver.end();
  }
}

/**
 * Builds the agent on the SQLite `file`, or on PostgreSQL when `databaseUrl` is given (every
 * worker on that database sees the same threads). `turn: "first"` scripts the model to call
 * the tools; `"resume"` (a fresh process after the restart) scripts only the final answer.
 * `close()` releases the checkpointer's connections.
 */
export function buildAgent(options: {
  file?: string;
  databaseUrl?: string;
  turn: "first" | "resume";
  ran: string[];
}) {
  const postgres = options.databaseUrl
    ? PostgresSaver.fromConnString(options.databaseUrl)
    : undefined;
  if (!postgres && !options.file) throw new Error("buildAgent: `file` or `databaseUrl` is needed");
  const checkpointer = postgres ?? SqliteSaver.fromConnString(options.file as string);
  const tools = paymentTools(options.ran);
  const model =
    options.turn === "first"
      ? fakeModel().respondWithTools(FIRST_TURN).respond(summary)
      : fakeModel().respond(summary);
  const graph = wireApprovalLoop(
    new StateGraph(MessagesAnnotation)
      .addNode("model", async (state) => ({ messages: [await model.invoke(state.messages)] }))
      .addNode("approval", createApprovalNode({ policies, tools, agentId: AGENT_ID }))
      .addNode("tools", new ToolNode(tools))
      .addEdge(START, "model"),
  ).compile({ checkpointer });
  const close = async () => {
    await postgres?.end();
  };
  return { graph, checkpointer, close };
}
