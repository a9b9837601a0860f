/**
 * @module agent
 * The agent process. `--phase start` runs the payments conversation until the approval node
 * interrupts, files the flagged calls with the inbox through the bridge and exits (the
 * agent "goes away"). `--phase resume`, in a new process, starts a bridge that finds the
 * waiting thread in the SQLite checkpoint, reads the decisions made meanwhile and resumes
 * the thread once. Prints a last line `RESULT <json>` for main.ts.
 *
 * Environment: SAFEGUARDS_URL (the inbox API), SAFEGUARDS_API_KEY, and the checkpoint:
 * AGENT_DB (a SQLite file) or AGENT_DATABASE_URL (PostgreSQL, shared by every worker);
 * AGENT_THREAD_ID overrides the conversation's thread id.
 */
import { HumanMessage } from "@langchain/core/messages";
import { isInterrupted } from "@langchain/langgraph";
import { HumanInTheLoopChannel } from "@safeguards/core";
import { createInboxBridge } from "@safeguards/langgraph";
import { AGENT_ID, buildAgent, THREAD_ID as DEFAULT_THREAD_ID } from "./payments-agent.js";

const phase = process.argv[process.argv.indexOf("--phase") + 1];
const { SAFEGUARDS_URL, SAFEGUARDS_API_KEY, AGENT_DB, AGENT_DATABASE_URL } = process.env;
const THREAD_ID = process.env.AGENT_THREAD_ID || DEFAULT_THREAD_ID;
if (
  (phase !== "start" && phase !== "resume") ||
  !SAFEGUARDS_URL ||
  !SAFEGUARDS_API_KEY ||
  !(AGENT_DB || AGENT_DATABASE_URL)
) {
  console.error(
    "usage: SAFEGUARDS_URL=.. SAFEGUARDS_API_KEY=.. AGENT_DB=..|AGENT_DATABASE_URL=.. agent.ts --phase start|resume",
  );
  process.exit(2);
}
const where = AGENT_DATABASE_URL ? "PostgreSQL" : AGENT_DB;

const ran: string[] = [];
const channel = new HumanInTheLoopChannel();
await channel.initialize({
  webhookUrl: SAFEGUARDS_URL,
  apiKey: SAFEGUARDS_API_KEY,
  agentId: AGENT_ID,
});
const { graph, checkpointer, close } = buildAgent({
  ...(AGENT_DATABASE_URL ? { databaseUrl: AGENT_DATABASE_URL } : { file: AGENT_DB }),
  turn: phase === "start" ? "first" : "resume",
  ran,
});

let finish: (result: unknown) => void = () => {};
const finished = new Promise<unknown>((resolve) => {
  finish = resolve;
});
const bridge = createInboxBridge({
  graph,
  channel,
  checkpointer,
  onResumed: (threadId, result) => {
    console.log(`[agent ${process.pid}] resumed thread ${threadId}`);
    if (threadId === THREAD_ID && !isInterrupted(result)) finish(result);
  },
});

try {
  if (phase === "start") {
    const config = { configurable: { thread_id: THREAD_ID } };
    await graph.invoke(
      { messages: [new HumanMessage("Pay ACME, pay unknown-x, close ACC-OLD-17.")] },
      config,
    );
    const filed = await bridge.file(THREAD_ID);
    for (const p of filed) {
      console.log(
        `[agent ${process.pid}] waiting for a human: ${p.payload.title} (${p.toolCallId})`,
      );
    }
    console.log(`[agent ${process.pid}] stopping now; the thread waits in ${where}`);
    console.log(
      `RESULT ${JSON.stringify({ pid: process.pid, filed: filed.map((p) => p.toolCallId), ran })}`,
    );
  } else {
    const waiting = await bridge.start();
    console.log(
      `[agent ${process.pid}] restarted; threads waiting: ${waiting.join(", ") || "none"}`,
    );
    const deadline = setTimeout(() => finish(undefined), 60_000);
    const result = (await finished) as { messages: { content: unknown }[] } | undefined;
    clearTimeout(deadline);
    await bridge.idle();
    const answer = result ? String(result.messages.at(-1)?.content) : "(no decision within 60 s)";
    console.log(`[agent ${process.pid}] model's answer:\n${answer}`);
    console.log(`RESULT ${JSON.stringify({ pid: process.pid, waiting, ran, answer })}`);
  }
} finally {
  bridge.stop();
  await channel.shutdown();
  await close();
}
