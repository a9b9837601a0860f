/**
 * An OpenAI Agents SDK payments agent whose transfers over 1000.00 wait for a human in the
 * approval inbox, and survive a restart while they wait. `transfer_funds`'s `needsApproval`
 * comes from the policies (`needsApprovalFrom`); the run stops with interruptions; its state
 * is stored as a string (here in memory, in practice a database row); "process 1" files the
 * interruptions with the inbox and stops before any decision; "process 2" (its own channel
 * and handler, a fresh agent) restores the stored state, `resolveInterruptions` picks up the
 * requests process 1 filed (same ids) and records their decisions, and the run resumes.
 *
 *   pnpm start        prints the inbox URL and waits for you to decide (curl or web inbox)
 *   pnpm run ci       a scripted reviewer decides; exits non-zero if anything is off
 */
import {
  Agent,
  type Model,
  type ModelRequest,
  RunState,
  run,
  setTracingDisabled,
  tool,
  Usage,
} from "@openai/agents";
import {
  Decimal,
  definePolicies,
  HumanActionHandler,
  HumanInTheLoopChannel,
} from "@safeguards/core";
import { needsApprovalFrom, resolveInterruptions } from "@safeguards/openai-agents";
import { createInbox } from "@safeguards/server";
import { z } from "zod";
import { scriptedReviewer } from "../langchain-agent/reviewer.js";

setTracingDisabled(true);
const CI = process.argv.includes("--ci");
const AGENT_KEY = "example-agent-key";
const REVIEWER_TOKEN = "example-reviewer-token";

// --- per-tool policies (the same object works with @safeguards/langchain and ai-sdk) ---
const LIMIT = new Decimal("1000.00"); // parsed once, not on every call
const policies = definePolicies({
  transfer_funds: {
    when: ({ args }) => new Decimal(String(args.amount)).gt(LIMIT),
    title: ({ args }) => `Approve $${String(args.amount)} transfer to ${String(args.to)}`,
    timeoutSeconds: 300,
    onTimeout: "reject",
  },
  get_balance: false,
});

// --- a scripted model (no API key needed): three calls, then a summary ---
const model: Model = {
  async getResponse(request: ModelRequest) {
    const input = Array.isArray(request.input) ? request.input : [];
    const answered = input.some((item) => item.type === "function_call_result");
    const call = (callId: string, name: string, args: object) =>
      ({ type: "function_call", callId, name, arguments: JSON.stringify(args) }) as const;
    return {
      usage: new Usage(),
      output: answered
        ? [
            {
              type: "message",
              role: "assistant",
              status: "completed",
              content: [{ type: "output_text", text: "Done: see the tool results." }],
            },
          ]
        : [
            call("call_big", "transfer_funds", { amount: "2500.00", to: "ACME Corp" }),
            call("call_fraud", "transfer_funds", { amount: "9000.00", to: "Unknown LLC" }),
            call("call_balance", "get_balance", {}),
          ],
    };
  },
  getStreamedResponse() {
    throw new Error("not streamed in this example");
  },
};

// --- the bank's agent: what actually ran is recorded ---
const ledger: string[] = [];
function paymentsAgent() {
  const transferFunds = tool({
    name: "transfer_funds",
    description: "Transfer money from the customer's account to a payee",
    parameters: z.object({ amount: z.string(), to: z.string() }),
    needsApproval: needsApprovalFrom(policies, { name: "transfer_funds" }),
    execute: async ({ amount, to }) => {
      ledger.push(`transfer ${amount} to ${to}`);
      return `Transferred $${amount} to ${to}.`;
    },
  });
  const getBalance = tool({
    name: "get_balance",
    description: "Read the customer's balance",
    parameters: z.object({}),
    execute: async () => "Balance: $5000.00",
  });
  return new Agent({
    name: "payments",
    instructions: "Pay.",
    model,
    tools: [transferFunds, getBalance],
  });
}

// --- the inbox, and one "process"'s channel to it ---
const inbox = createInbox({
  store: "memory",
  apiKeys: { [AGENT_KEY]: "payments-agent" },
  reviewerTokens: { [REVIEWER_TOKEN]: "alice" },
});
const { url } = await inbox.listen({ port: CI ? 0 : 8787, host: "127.0.0.1" });
async function agentProcess() {
  const channel = new HumanInTheLoopChannel();
  await channel.initialize({ webhookUrl: url, apiKey: AGENT_KEY });
  const handler = new HumanActionHandler(channel);
  const stop = async () => {
    handler.shutdown();
    await channel.shutdown();
  };
  return { handler, stop };
}
const pendingCount = async () =>
  (
    (await (
      await fetch(`${url}/actions?status=pending`, {
        headers: { authorization: `Bearer ${REVIEWER_TOKEN}` },
      })
    ).json()) as { actions: unknown[] }
  ).actions.length;

if (!CI) {
  console.log(`Inbox: ${url}  (reviewer token: ${REVIEWER_TOKEN})`);
  console.log(`Decide with: curl -X POST -H 'authorization: Bearer ${REVIEWER_TOKEN}' \\`);
  console.log(
    `  -H 'content-type: application/json' -d '{"type":"approve"}' ${url}/actions/<id>/decision`,
  );
}

// --- process 1: runs until the interruptions, stores the state, files them, then stops ---
const prompt = "Pay ACME Corp $2500.00 and Unknown LLC $9000.00, and tell me my balance.";
console.log(`\nuser> ${prompt}`);
const first = await run(paymentsAgent(), prompt);
console.log(`  interrupted: ${first.interruptions.map((i) => i.name).join(", ")}`);
const stored = first.state.toString(); // store it anywhere (a database row)
const process1 = await agentProcess();
const waiting = resolveInterruptions(first, {
  handler: process1.handler,
  policies,
  agentId: "payments-agent",
});
while ((await pendingCount()) < first.interruptions.length) {
  await new Promise((r) => setTimeout(r, 20));
}
await process1.stop(); // restarted (deploy, crash) while the requests wait in the inbox
await waiting; // its waits end; nothing of process 1's state is kept
console.log(`  process 1 filed ${first.interruptions.length} requests with the inbox and stopped`);

// --- the reviewer decides, maybe while no process waits ---
const reviewer = CI
  ? scriptedReviewer(url, REVIEWER_TOKEN, (record) =>
      String(record.action?.args.to).includes("Unknown")
        ? { type: "reject", comments: "Payee is not verified" }
        : { type: "approve" },
    )
  : undefined;

// --- process 2: restores the stored run into a fresh agent, picks up the same requests ---
const process2 = await agentProcess();
const agent = paymentsAgent();
const state = await RunState.fromString(agent, stored);
const { decisions } = await resolveInterruptions(
  { interruptions: state.getInterruptions(), state },
  { handler: process2.handler, policies, agentId: "payments-agent" },
);
for (const d of decisions) {
  console.log(`  ${d.callId} (${d.actionId}) ${d.approved ? "approved" : `not run: ${d.reason}`}`);
}
const result = await run(agent, state);
console.log(`agent> ${result.finalOutput}`);

await reviewer?.stop();
await process2.stop();
await inbox.close();

console.log(`\nLedger (what actually ran): ${JSON.stringify(ledger)}`);
const expected = ["transfer 2500.00 to ACME Corp"];
if (CI && JSON.stringify(ledger) !== JSON.stringify(expected)) {
  console.error(`Expected ${JSON.stringify(expected)}`);
  process.exit(1);
}
