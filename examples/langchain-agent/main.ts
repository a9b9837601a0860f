/**
 * A LangChain banking agent whose over-limit transfers wait for a human in the approval
 * inbox. `transfer_funds` is flagged above 1000.00, `get_balance` never. The agent files
 * flagged calls through `HumanInTheLoopChannel` to an inbox (started here, on
 * 127.0.0.1); a reviewer decides over the inbox's API, and the agent carries on with
 * exactly what was decided.
 *
 *   pnpm start        prints the inbox URL and waits for you to decide (curl or web inbox)
 *   pnpm run ci       a scripted reviewer decides; exits non-zero if anything is off
 */
import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import { tool } from "@langchain/core/tools";
import {
  Decimal,
  definePolicies,
  HumanActionHandler,
  HumanInTheLoopChannel,
} from "@safeguards/core";
import { approvalMiddleware } from "@safeguards/langchain";
import { createInbox } from "@safeguards/server";
import { createAgent } from "langchain";
import { z } from "zod";
import { scriptedReviewer } from "./reviewer.js";

const CI = process.argv.includes("--ci");
const AGENT_KEY = "example-agent-key";
const REVIEWER_TOKEN = "example-reviewer-token";

// --- the bank's tools: what actually ran is recorded ---
const ledger: string[] = [];
const transferFunds = tool(
  async ({ amount, to }) => {
    ledger.push(`transfer ${amount} to ${to}`);
    return `Transferred $${amount} to ${to}.`;
  },
  {
    name: "transfer_funds",
    description: "Transfer money from the customer's account to a payee",
    schema: z.object({
      amount: z.string().regex(/^\d+\.\d{2}$/, "amount must look like 1234.56"),
      to: z.string().min(1),
    }),
  },
);
const getBalance = tool(async () => "Balance: $5000.00", {
  name: "get_balance",
  description: "Read the customer's balance",
  schema: z.object({}),
});

// --- per-tool policies, in code ---
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

// --- a scripted model (no API key needed); swap in any chat model ---
const model = fakeModel()
  .respondWithTools([
    { name: "transfer_funds", args: { amount: "2500.00", to: "ACME Corp" }, id: "call_big" },
    { name: "get_balance", args: {}, id: "call_balance" },
  ])
  .respond((messages) => new AIMessage(`Done. ${summary(messages)}`))
  .respondWithTools([
    { name: "transfer_funds", args: { amount: "450.00", to: "Landlord" }, id: "call_rent" },
  ])
  .respond((messages) => new AIMessage(`Done. ${summary(messages)}`))
  .respondWithTools([
    { name: "transfer_funds", args: { amount: "9000.00", to: "Unknown LLC" }, id: "call_fraud" },
  ])
  .respond((messages) => new AIMessage(`I could not do that. ${summary(messages)}`));

const agent = createAgent({
  model,
  tools: [transferFunds, getBalance],
  middleware: [approvalMiddleware({ policies, handler, mode: "wait", agentId: "bank-assistant" })],
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

const answers: string[] = [];
for (const prompt of [
  "Pay ACME Corp $2500.00 and tell me my balance.",
  "Pay my landlord $450.00.",
  "Send $9000.00 to Unknown LLC.",
]) {
  console.log(`\nuser> ${prompt}`);
  const result = await agent.invoke({ messages: [new HumanMessage(prompt)] });
  for (const message of result.messages.filter(ToolMessage.isInstance)) {
    console.log(`  tool ${message.name} [${message.status}]: ${String(message.content)}`);
  }
  const answer = String(result.messages.at(-1)?.content);
  answers.push(answer);
  console.log(`agent> ${answer}`);
}

await reviewer?.stop();
handler.shutdown();
await channel.shutdown();
await inbox.close();

console.log(`\nLedger (what actually ran): ${JSON.stringify(ledger)}`);
const expected = ["transfer 1800.00 to ACME Corp", "transfer 450.00 to Landlord"];
if (CI && JSON.stringify(ledger) !== JSON.stringify(expected)) {
  console.error(`Expected ${JSON.stringify(expected)}`);
  process.exit(1);
}

function summary(messages: Array<{ getType(): string; content: unknown }>): string {
  return messages
    .filter((m) => m.getType() === "tool")
    .map((m) => String(m.content).split("\n").at(-1))
    .join(" ");
}
