import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import { definePolicies, FinancialServicesSafeguard } from "@safeguards/core";
import { createAgent } from "langchain";
import { describe, expect, it } from "vitest";
import { approvalMiddleware } from "../src/index.js";
import { approvals, bankingTools } from "./support/banking.js";

function safeguardPolicies() {
  const safeguard = new FinancialServicesSafeguard();
  safeguard.initialize({ transactionLimits: { "bank-bot": "1000.00" } });
  return definePolicies({
    transfer_funds: {
      // The safeguard's alerts decide whether a human is needed and tell the reviewer why.
      when: ({ args, agentId }) =>
        safeguard.validateAgentAction(
          { id: agentId ?? "unknown" },
          { actionType: "transaction", amount: String(args.amount) },
        ),
    },
    get_balance: false,
  });
}

describe("a policy backed by FinancialServicesSafeguard", () => {
  it("flags 2500.00 (its alert explains why) and passes 500.00", async () => {
    const { transferFunds, ran } = bankingTools();
    const kit = approvals();
    kit.reviewer((r) => kit.channel.reject(r.id, { comments: "over the limit" }));
    const model = fakeModel()
      .respondWithTools([
        { name: "transfer_funds", args: { amount: "2500.00", to: "ACME" }, id: "big" },
        { name: "transfer_funds", args: { amount: "500.00", to: "ACME" }, id: "small" },
      ])
      .respond(new AIMessage("done"));
    const agent = createAgent({
      model,
      tools: [transferFunds],
      middleware: [
        approvalMiddleware({
          policies: safeguardPolicies(),
          handler: kit.handler,
          agentId: "bank-bot",
        }),
      ],
    });
    const result = await agent.invoke({ messages: [new HumanMessage("pay")] });
    expect(kit.requests).toHaveLength(1);
    const request = kit.requests[0]!;
    expect(request.action?.args.amount).toBe("2500.00");
    expect(request.description).toContain("Transaction Limit Exceeded");
    expect(request.severity).toBe("WARNING");
    expect(request.metadata.alerts).toEqual([
      expect.objectContaining({ title: "Transaction Limit Exceeded", severity: "WARNING" }),
    ]);
    expect(ran).toEqual([{ tool: "transfer_funds", args: { amount: "500.00", to: "ACME" } }]);
    const byId = Object.fromEntries(
      result.messages.filter(ToolMessage.isInstance).map((m) => [m.tool_call_id, m]),
    );
    expect(byId.big?.status).toBe("error");
    expect(byId.small?.status).toBe("success");
  });

  it("the limit is inclusive and compared as decimals", async () => {
    const policies = safeguardPolicies();
    const check = async (amount: string) =>
      (
        await policies.evaluate({
          toolName: "transfer_funds",
          args: { amount },
          agentId: "bank-bot",
        })
      ).required;
    expect(await check("1000.00")).toBe(false);
    expect(await check("1000.01")).toBe(true);
    expect(await check("-5.00")).toBe(true);
  });
});
