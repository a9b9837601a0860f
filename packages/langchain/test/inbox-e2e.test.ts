/**
 * End to end through the inbox over HTTP: a createAgent with approvalMiddleware files a
 * flagged call through HumanInTheLoopChannel to a real inbox on 127.0.0.1; a reviewer
 * decides over the inbox's API; the decision resumes the agent.
 */
import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import {
  deferCleanup,
  inboxHandler,
  inboxReviewer,
  REVIEWER_TOKEN,
} from "@safeguards/test-support";
import { createAgent } from "langchain";
import { describe, expect, it } from "vitest";
import { approvalMiddleware } from "../src/index.js";
import { bankingPolicies, bankingTools } from "./support/banking.js";

const defer = deferCleanup();

async function setup() {
  const { url, handler } = await inboxHandler(defer, "bank-bot");
  const { transferFunds, getBalance, ran } = bankingTools();
  const model = fakeModel()
    .respondWithTools([
      { name: "transfer_funds", args: { amount: "2500.00", to: "ACME" }, id: "t1" },
      { name: "get_balance", args: {}, id: "b1" },
    ])
    .respond(new AIMessage("done"));
  const agent = createAgent({
    model,
    tools: [transferFunds, getBalance],
    middleware: [
      approvalMiddleware({
        policies: bankingPolicies(),
        handler,
        mode: "wait",
        agentId: "bank-bot",
      }),
    ],
  });
  return { url, agent, ran };
}

const toolMessages = (messages: unknown[]) =>
  Object.fromEntries(messages.filter(ToolMessage.isInstance).map((m) => [m.tool_call_id, m]));

describe("through the inbox over HTTP", () => {
  it("a modification made over the inbox's API resumes the agent with the new arguments", async () => {
    const { url, agent, ran } = await setup();
    const reviewer = inboxReviewer(url, REVIEWER_TOKEN, () => [
      { type: "modify", response_data: { amount: 1800 } }, // wrong type: refused by the inbox
      { type: "modify", response_data: { amount: "1800.00" }, comments: "capped" },
    ]);
    defer(() => reviewer.stop());
    const result = await agent.invoke({ messages: [new HumanMessage("pay ACME 2500")] });
    await reviewer.stop();
    expect(reviewer.answers.map((a) => a.status)).toEqual([422, 200]);
    expect(ran).toEqual(
      expect.arrayContaining([
        { tool: "get_balance", args: {} },
        { tool: "transfer_funds", args: { amount: "1800.00", to: "ACME" } },
      ]),
    );
    expect(ran).toHaveLength(2);
    const byId = toolMessages(result.messages);
    expect(byId.t1?.content).toContain("(alice)");
    expect(byId.t1?.content).toContain('amount: "2500.00" -> "1800.00"');
    expect(byId.b1?.content).toBe("Balance: 5000.00");
  });

  it("a rejection made over the inbox's API reaches the model with the reviewer's reason", async () => {
    const { url, agent, ran } = await setup();
    const reviewer = inboxReviewer(url, REVIEWER_TOKEN, (record) => {
      expect(record.action?.name).toBe("transfer_funds");
      expect(record.metadata.tool_call_id).toBe("t1");
      return [{ type: "reject", comments: "payee not verified" }];
    });
    defer(() => reviewer.stop());
    const result = await agent.invoke({ messages: [new HumanMessage("pay ACME 2500")] });
    await reviewer.stop();
    expect(ran).toEqual([{ tool: "get_balance", args: {} }]);
    const byId = toolMessages(result.messages);
    expect(byId.t1?.status).toBe("error");
    expect(byId.t1?.content).toContain("rejected this call (alice): payee not verified");
  });
});
