/**
 * @module in-process
 * The example without HTTP: an in-process approval channel stands in for the inbox and a
 * scripted reviewer decides in code. The agent "restarts" as a new graph and a new bridge
 * on the same SQLite file, after the decisions were made.
 */
import { join } from "node:path";
import { HumanMessage } from "@langchain/core/messages";
import { isInterrupted } from "@langchain/langgraph";
import { InProcessApprovalChannel, type JsonObject } from "@safeguards/core";
import { createInboxBridge } from "@safeguards/langgraph";
import { buildAgent, THREAD_ID } from "./payments-agent.js";
import { SCRIPT } from "./reviewer.js";

/** Runs the story in this process; returns what the tools ran. */
export async function runInProcess(dir: string): Promise<string[]> {
  const file = join(dir, "agent.db");
  const inbox = new InProcessApprovalChannel();

  const before = buildAgent({ file, turn: "first", ran: [] });
  await before.graph.invoke(
    { messages: [new HumanMessage("Pay ACME, pay unknown-x, close ACC-OLD-17.")] },
    { configurable: { thread_id: THREAD_ID } },
  );
  const bridge1 = createInboxBridge({ graph: before.graph, channel: inbox });
  const filed = await bridge1.file(THREAD_ID);
  console.log(`agent: ${filed.length} calls wait for a human; the agent stops`);
  bridge1.stop();

  for (const request of inbox.pending()) {
    const decision = SCRIPT[String(request.metadata.tool_call_id)];
    if (!decision) continue;
    const options = {
      reviewer: "cfo",
      ...(decision.comments ? { comments: decision.comments } : {}),
    };
    if (decision.type === "approve") inbox.approve(request.id, options);
    else if (decision.type === "reject") inbox.reject(request.id, options);
    else inbox.modify(request.id, decision.response_data as JsonObject, options);
    console.log(`reviewer: ${decision.type} "${request.title}"`);
  }

  const ran: string[] = [];
  const after = buildAgent({ file, turn: "resume", ran });
  let finish: (result: unknown) => void = () => {};
  const finished = new Promise<unknown>((resolve) => {
    finish = resolve;
  });
  const bridge2 = createInboxBridge({
    graph: after.graph,
    channel: inbox,
    checkpointer: after.checkpointer,
    onResumed: (_thread, result) => {
      if (!isInterrupted(result)) finish(result);
    },
  });
  console.log(`agent restarted; threads waiting: ${(await bridge2.start()).join(", ")}`);
  const result = (await finished) as { messages: { content: unknown }[] };
  await bridge2.idle();
  bridge2.stop();
  console.log(`model's answer:\n${String(result.messages.at(-1)?.content)}`);
  return ran;
}
