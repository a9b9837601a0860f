/**
 * guardTools inside the AI SDK's own agent loop (`ToolLoopAgent` of `ai` 7, driven by the
 * scripted `MockLanguageModelV4` from `ai/test`): one step with three flagged calls (approved,
 * modified, rejected) and an un-flagged one; the loop's next step sees each outcome.
 */
import { approvals, bankingPolicies } from "@safeguards/test-support";
import { isStepCount, ToolLoopAgent } from "ai";
import { describe, expect, it } from "vitest";
import { guardTools } from "../src/index.js";
import {
  bankingTools,
  scriptedModel,
  scriptedStreamModel,
  toolResultsSeen,
} from "./support/scripted.js";

const transfer = (id: string, amount: string, to: string) => ({
  id,
  name: "transfer_funds",
  input: { amount, to },
});
const calls = [
  transfer("approve_me", "2500.00", "ACME"),
  transfer("modify_me", "3000.00", "Globex"),
  transfer("reject_me", "9000.00", "Unknown LLC"),
  { id: "balance", name: "get_balance", input: {} },
];

function guardedAgent(model: ReturnType<typeof scriptedModel>) {
  const { ran, tools } = bankingTools();
  const { handler, reviewer, channel, requests } = approvals();
  reviewer((r) => {
    const to = r.action?.args.to;
    if (to === "ACME") channel.approve(r.id, { reviewer: "alice" });
    else if (to === "Globex") channel.modify(r.id, { amount: "1800.00" }, { reviewer: "alice" });
    else channel.reject(r.id, { reviewer: "bob", comments: "payee not verified" });
  });
  const agent = new ToolLoopAgent({
    model,
    tools: guardTools(tools, bankingPolicies(), { handler, agentId: "bank-bot" }),
    stopWhen: isStepCount(3),
  });
  return { agent, ran, requests };
}

function expectOutcomes(
  ran: Array<{ tool: string; input: unknown }>,
  seen: Record<string, unknown>,
  requests: { metadata: Record<string, unknown> }[],
) {
  expect(requests.map((r) => r.metadata.tool_call_id).sort()).toEqual(
    ["approve_me", "modify_me", "reject_me"].sort(),
  );
  expect(ran).toHaveLength(3);
  expect(ran).toEqual(
    expect.arrayContaining([
      { tool: "transfer_funds", input: { amount: "2500.00", to: "ACME" } },
      { tool: "transfer_funds", input: { amount: "1800.00", to: "Globex" } },
      { tool: "get_balance", input: {} },
    ]),
  );
  expect(seen.approve_me).toEqual({ type: "text", value: "Transferred 2500.00 to ACME" });
  const modified = (seen.modify_me as { value: string }).value;
  expect(modified).toContain('amount: "3000.00" -> "1800.00"');
  expect(modified).toMatch(/\nTransferred 1800\.00 to Globex$/);
  expect(seen.reject_me).toMatchObject({ type: "error-text" });
  expect(JSON.stringify(seen.reject_me)).toContain("payee not verified");
}

describe("guardTools in a ToolLoopAgent", () => {
  it("agent.generate: approved runs as is, modified runs with the reviewer's arguments, rejected does not run", async () => {
    const model = scriptedModel(calls);
    const { agent, ran, requests } = guardedAgent(model);
    const result = await agent.generate({ prompt: "pay everyone" });
    expectOutcomes(ran, toolResultsSeen(model), requests);
    expect(result.text).toBe("done");
    expect(result.steps).toHaveLength(2);
  });

  it("agent.stream: the same outcomes in a streamed loop", async () => {
    const model = scriptedStreamModel(calls);
    const { agent, ran, requests } = guardedAgent(model);
    const result = await agent.stream({ prompt: "pay everyone" });
    expect(await result.text).toBe("done");
    expectOutcomes(ran, toolResultsSeen(model), requests);
  });
});
