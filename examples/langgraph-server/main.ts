/**
 * `pnpm start` (in this folder), also what `pnpm run ci` runs:
 *
 * 1. the approval inbox (`@safeguards/server`, SQLite in a temp dir, free port);
 * 2. the official LangGraph server (`langgraphjs dev`, in memory) serving `graph.ts`;
 * 3. a thread on `payments` asks for two transfers and a balance read: two approvals wait;
 * 4. the inbox bridge files both with the inbox; a scripted reviewer decides over HTTP
 *    (modify one, reject the other); the bridge resumes the thread ON THE SERVER;
 * 5. the thread's messages are checked: what the reviewer allowed ran, nothing else;
 * 6. what Agent Chat UI / Agent Inbox send (un-keyed resumes) is sent through the SDK:
 *    accepted one card at a time on `payments_one_at_a_time`, refused on `payments` while
 *    two approvals wait.
 *
 * Exits non-zero when a check fails. Everything it started is stopped, also on failure.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, type Client as SdkClient } from "@langchain/langgraph-sdk";
import { HumanInTheLoopChannel } from "@safeguards/core";
import {
  createInboxBridge,
  type InboxBridge,
  listPendingApprovals,
  runErrorMessage,
  servedGraph,
} from "@safeguards/langgraph";
import { createInbox, type Inbox } from "@safeguards/server";
import { AGENT_ID } from "./graph.js";
import { freePort, type ServedGraphs, startLangGraphDev } from "./langgraph-server.js";
import { BUDGET, REJECT_REASON, reviewThread } from "./reviewer.js";

const REQUEST = "Pay ACME 2500.00, pay unknown-payee 90000.00 and check the balance.";
const WAIT_MS = 30_000;

/** A thread message as the server returns it. */
interface Msg {
  type: string;
  content: unknown;
  status?: string;
  tool_call_id?: string;
  tool_calls?: { id: string; name: string; args: Record<string, unknown> }[];
}

const problems: string[] = [];
function check(ok: boolean, what: string): void {
  console.log(`  ${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) problems.push(what);
}

const text = (m: Msg) => (typeof m.content === "string" ? m.content : JSON.stringify(m.content));

async function messagesOf(sdk: SdkClient, threadId: string): Promise<Msg[]> {
  const state = await sdk.threads.getState<{ messages: Msg[] }>(threadId);
  return state.values.messages ?? [];
}

/** Starts a thread on `graphId` with the payments request; resolves when it waits or ends. */
async function startThread(sdk: SdkClient, graphId: string): Promise<string> {
  const { thread_id: threadId } = await sdk.threads.create();
  await sdk.runs.wait(threadId, graphId, {
    input: { messages: [{ role: "user", content: REQUEST }] },
  });
  return threadId;
}

/** The titles of the approvals the thread waits for, as a UI lists them. */
async function cards(sdk: SdkClient, graphId: string, threadId: string): Promise<string[]> {
  const pending = await listPendingApprovals(servedGraph(sdk, graphId), {
    configurable: { thread_id: threadId },
  });
  return pending.map((p) => p.payload.title);
}

/** Waits (bounded) until the thread waits for nobody and its last run has finished. */
async function settled(sdk: SdkClient, threadId: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const thread = await sdk.threads.get(threadId);
    const waiting = await cards(sdk, "payments", threadId);
    if (thread.status === "idle" && waiting.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(
        `thread ${threadId} still ${thread.status} after ${WAIT_MS} ms, waiting for: ${waiting.join("; ") || "nothing"} (did the bridge hear the decisions?)`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Checks the story of the bridged thread: exactly what the reviewer allowed ran. */
function checkBridgedThread(messages: Msg[]): void {
  const calls = messages.flatMap((m) => m.tool_calls ?? []);
  const results = messages.filter((m) => m.type === "tool");
  const resultOf = (id: string | undefined) => results.filter((r) => r.tool_call_id === id);
  const acme = calls.find((c) => c.args.to === "ACME");
  const unknown = calls.find((c) => c.args.to === "unknown-payee");
  const balance = calls.find((c) => c.name === "get_balance");
  check(acme?.args.amount === BUDGET, `the ACME call now reads ${BUDGET} (the reviewer's amount)`);
  check(
    resultOf(acme?.id).some(
      (r) => r.status !== "error" && text(r) === "Transferred 1800.00 to ACME.",
    ),
    "1800.00 was transferred to ACME",
  );
  const refused = resultOf(unknown?.id)[0];
  check(
    refused?.status === "error" && text(refused).includes(REJECT_REASON),
    "the 90000.00 transfer did not run: an error ToolMessage with the reviewer's reason",
  );
  check(
    resultOf(balance?.id).some((r) => text(r).startsWith("Balance")),
    "the balance read ran (it never needed a human)",
  );
  check(
    !results.some((r) => /Transferred (2500\.00|90000\.00)/.test(text(r))),
    "neither 2500.00 nor 90000.00 was transferred",
  );
  check(
    calls.length === 3 && calls.every((c) => resultOf(c.id).length === 1),
    "each of the 3 tool calls has exactly one ToolMessage",
  );
}

/**
 * The UIs' un-keyed resumes, one card at a time, on `payments_one_at_a_time`: Agent Chat UI's
 * object, then Agent Inbox's array of one.
 */
async function oneAtATimeStory(sdk: SdkClient): Promise<void> {
  const graphId = "payments_one_at_a_time";
  console.log(`\n[3] what Agent Chat UI and Agent Inbox send, on ${graphId}`);
  const threadId = await startThread(sdk, graphId);
  const first = await cards(sdk, graphId, threadId);
  console.log(`  the UI shows one card: ${JSON.stringify(first)}`);
  check(first.length === 1, "exactly one approval is pending");
  const accept = { type: "accept", args: null };
  console.log(`  Agent Chat UI's resume (un-keyed): ${JSON.stringify(accept)}`);
  await sdk.runs.wait(threadId, graphId, { command: { resume: accept } });
  const next = await cards(sdk, graphId, threadId);
  console.log(`  the next card: ${JSON.stringify(next)}`);
  check(
    next.length === 1 && next[0] !== first[0],
    "the accept answered the card it showed; the next one is pending",
  );
  const ignore = [{ type: "ignore", args: null }];
  console.log(`  Agent Inbox's resume (un-keyed, an array): ${JSON.stringify(ignore)}`);
  await sdk.runs.wait(threadId, graphId, { command: { resume: ignore } });
  const results = (await messagesOf(sdk, threadId)).filter((m) => m.type === "tool");
  for (const r of results)
    console.log(`  tool: ${r.status === "error" ? "(error) " : ""}${text(r)}`);
  check(
    results.some((r) => text(r) === "Transferred 2500.00 to ACME.") &&
      !results.some((r) => text(r).includes("Transferred 90000.00")),
    "the accepted transfer ran, the ignored one did not",
  );
}

/** The same un-keyed resume on `payments`, while two approvals wait: refused, nothing runs. */
async function refusedStory(sdk: SdkClient): Promise<void> {
  console.log("\n[4] the same un-keyed resume on payments (two approvals wait)");
  const threadId = await startThread(sdk, "payments");
  const before = await cards(sdk, "payments", threadId);
  let refusal = "";
  try {
    await sdk.runs.wait(threadId, "payments", {
      command: { resume: { type: "accept", args: null } },
    });
  } catch (error) {
    refusal = runErrorMessage(error);
  }
  console.log(`  refused: ${refusal || "(it was NOT refused)"}`);
  check(/names no interrupt/.test(refusal), "the server's run refused the un-keyed resume");
  const ran = (await messagesOf(sdk, threadId)).filter((m) => m.type === "tool");
  const after = await cards(sdk, "payments", threadId);
  check(
    ran.length === 0 && JSON.stringify(after) === JSON.stringify(before),
    "nothing ran; the same two approvals still wait",
  );
}

const dir = mkdtempSync(join(tmpdir(), "langgraph-server-example-"));
let inbox: Inbox | undefined;
let server: ServedGraphs | undefined;
let channel: HumanInTheLoopChannel | undefined;
let bridge: InboxBridge | undefined;

async function stopAll(): Promise<void> {
  bridge?.stop();
  await channel?.shutdown().catch(() => undefined);
  await server?.stop();
  await inbox?.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void stopAll().finally(() => process.exit(130)));
}

const started = Date.now();
let code = 0;
try {
  const apiKey = `sk_${randomBytes(12).toString("hex")}`;
  const reviewerToken = `rt_${randomBytes(12).toString("hex")}`;
  inbox = createInbox({
    store: join(dir, "inbox.db"),
    apiKeys: { [apiKey]: AGENT_ID },
    reviewerTokens: { [reviewerToken]: "cfo" },
  });
  const { url: inboxUrl } = await inbox.listen({ port: 0, host: "127.0.0.1" });
  server = await startLangGraphDev(await freePort());
  console.log(`inbox: ${inboxUrl}\nLangGraph server: ${server.url} (langgraphjs dev, in memory)`);
  const sdk = new Client({ apiUrl: server.url });

  console.log(`\n[1] a thread on payments: "${REQUEST}"`);
  const threadId = await startThread(sdk, "payments");
  channel = new HumanInTheLoopChannel();
  await channel.initialize({ webhookUrl: inboxUrl, apiKey, agentId: AGENT_ID });
  bridge = createInboxBridge({
    graph: servedGraph(sdk, "payments"),
    channel,
    threadIds: [threadId],
    onResumed: (id) => console.log(`  bridge: resumed thread ${id} on the server`),
  });
  const filed = await bridge.file(threadId);
  for (const p of filed)
    console.log(`  waiting for a human, filed with the inbox: ${p.payload.title}`);
  check(filed.length === 2, "both flagged transfers wait at once (the balance read does not)");

  console.log("\n[2] the reviewer decides in the inbox");
  for (const line of await reviewThread(inboxUrl, reviewerToken, threadId)) {
    console.log(`  reviewer: ${line}`);
  }
  await settled(sdk, threadId);
  await bridge.idle();
  const messages = await messagesOf(sdk, threadId);
  console.log(`  the model's answer: ${text(messages.at(-1) as Msg).replaceAll("\n", "\n    ")}`);
  checkBridgedThread(messages);

  await oneAtATimeStory(sdk);
  await refusedStory(sdk);
} catch (error) {
  console.error(error);
  problems.push(error instanceof Error ? error.message : String(error));
} finally {
  await stopAll();
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (problems.length > 0) {
  console.error(`\nFAILED (${seconds} s):\n- ${problems.join("\n- ")}`);
  code = 1;
} else {
  console.log(`\nOK (${seconds} s): everything started was stopped`);
}
process.exit(code);
