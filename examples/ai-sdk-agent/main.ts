/**
 * A Vercel AI SDK banking agent whose over-limit transfers wait for a human in the approval
 * inbox. `transfer_funds` is flagged above 1000.00, `get_balance` never. `generateText`
 * runs the tool loop; the guarded tools file flagged calls through `HumanInTheLoopChannel`
 * to an inbox (started here, on 127.0.0.1); a reviewer decides over the inbox's API, and
 * each call runs with exactly what was decided.
 *
 *   pnpm start        prints the inbox URL and waits for you to decide (curl or web inbox)
 *   pnpm run ci       a scripted reviewer decides; exits non-zero if anything is off
 */
import { guardTools } from "@safeguards/ai-sdk";
import {
  Decimal,
  definePolicies,
  HumanActionHandler,
  HumanInTheLoopChannel,
} from "@safeguards/core";
import { createInbox } from "@safeguards/server";
import { generateText, isStepCount, tool } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { z } from "zod";
import { scriptedReviewer } from "../langchain-agent/reviewer.js";

const CI = process.argv.includes("--ci");
const AGENT_KEY = "example-agent-key";
const REVIEWER_TOKEN = "example-reviewer-token";

// --- the bank's tools: what actually ran is recorded ---
const ledger: string[] = [];
const tools = {
  transfer_funds: tool({
    description: "Transfer money from the customer's account to a payee",
    inputSchema: z.object({
      amount: z.string().regex(/^\d+\.\d{2}$/, "amount must look like 1234.56"),
      to: z.string().min(1),
    }),
    execute: async ({ amount, to }) => {
      ledger.push(`transfer ${amount} to ${to}`);
      return `Transferred $${amount} to ${to}.`;
    },
  }),
  get_balance: tool({
    description: "Read the customer's balance",
    inputSchema: z.object({}),
    execute: async () => "Balance: $5000.00",
  }),
};

// --- per-tool policies, in code (the same object works with @safeguards/langchain) ---
const LIMIT = new Decimal("1000.00"); // parsed once, not on every call
const policies = definePolicies({
  transfer_funds: {
    when: ({ args }) => new Decimal(String(args.amount)).gt(LIMIT),
    title: ({ args }) => `Approve $${String(args.amount)} transfer to ${String(args.to)}`,
    allowedDecisions: ["approve", "modify", "reject"],
    timeoutSeconds: 300,
    onTimeout: "reject",
  },
  get_balance: false,
});

// --- the inbox, and the agent's channel to it ---
const inbox = createInbox({
  store: "memory",
  apiKeys: { [AGENT_KEY]: "bank-assistant" },
  reviewerTokens: { [REVIEWER_TOKEN]: "alice" },
});
const { url } = await inbox.listen({ port: CI ? 0 : 8787, host: "127.0.0.1" });
const channel = new HumanInTheLoopChannel();
await channel.initialize({ webhookUrl: url, apiKey: AGENT_KEY });
const handler = new HumanActionHandler(channel);

// --- a scripted model from ai/test (no API key needed); swap in any AI SDK model ---
const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 1, text: 1, reasoning: undefined },
};
const call = (toolCallId: string, toolName: string, input: object) =>
  ({ type: "tool-call", toolCallId, toolName, input: JSON.stringify(input) }) as const;
const model = new MockLanguageModelV4({
  doGenerate: [
    {
      content: [
        call("call_big", "transfer_funds", { amount: "2500.00", to: "ACME Corp" }),
        call("call_fraud", "transfer_funds", { amount: "9000.00", to: "Unknown LLC" }),
        call("call_balance", "get_balance", {}),
      ],
      finishReason: { unified: "tool-calls", raw: undefined },
      usage,
      warnings: [],
    },
    {
      content: [{ type: "text", text: "Done: see the tool results." }],
      finishReason: { unified: "stop", raw: undefined },
      usage,
      warnings: [],
    },
  ],
});

const reviewer = CI
  ? scriptedReviewer(url, REVIEWER_TOKEN, (record) =>
      String(record.action?.args.to).includes("Unknown")
        ? { type: "reject", comments: "Payee is not verified" }
        : {
            type: "modify",
            response_data: { amount: "1800.00" },
            comments: "Daily cap is 1800.00",
          },
    )
  : undefined;
if (!CI) {
  console.log(`Inbox: ${url}  (reviewer token: ${REVIEWER_TOKEN})`);
  console.log(`Decide with: curl -X POST -H 'authorization: Bearer ${REVIEWER_TOKEN}' \\`);
  console.log(
    `  -H 'content-type: application/json' -d '{"type":"approve"}' ${url}/actions/<id>/decision`,
  );
}

const prompt = "Pay ACME Corp $2500.00 and Unknown LLC $9000.00, and tell me my balance.";
console.log(`\nuser> ${prompt}`);
const result = await generateText({
  model,
  tools: guardTools(tools, policies, { handler, agentId: "bank-assistant" }),
  prompt,
  stopWhen: isStepCount(5),
});
for (const part of result.steps[0]?.content ?? []) {
  if (part.type === "tool-result") console.log(`  tool ${part.toolName} [ok]: ${part.output}`);
  if (part.type === "tool-error") console.log(`  tool ${part.toolName} [not run]: ${part.error}`);
}
console.log(`agent> ${result.text}`);

await reviewer?.stop();
handler.shutdown();
await channel.shutdown();
await inbox.close();

console.log(`\nLedger (what actually ran): ${JSON.stringify(ledger)}`);
const expected = ["transfer 1800.00 to ACME Corp"];
if (CI && JSON.stringify(ledger) !== JSON.stringify(expected)) {
  console.error(`Expected ${JSON.stringify(expected)}`);
  process.exit(1);
}
