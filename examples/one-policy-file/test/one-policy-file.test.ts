/**
 * One `definePolicies` object (`policies.ts`) drives all four adapters unchanged: LangChain,
 * LangGraph, the AI SDK and the OpenAI Agents SDK, each with its real runtime and a scripted
 * model making the same calls. With the same reviewer decisions, each asks about exactly the
 * same calls (title from the policy), runs exactly the same ones, and gives the model the
 * reviewer's reason for the rejected one.
 */
import { describe, expect, it } from "vitest";
import { runLangChain, runLangGraph } from "../langchain-runs.js";
import { type Outcome, sorted } from "../scenario.js";
import { runAiSdk, runOpenAiAgents } from "../sdk-runs.js";

const expected = {
  asked: [
    {
      tool: "transfer_funds",
      args: { amount: "2500.00", to: "ACME" },
      title: "Approve $2500.00 transfer to ACME",
    },
    {
      tool: "transfer_funds",
      args: { amount: "9000.00", to: "Unknown LLC" },
      title: "Approve $9000.00 transfer to Unknown LLC",
    },
  ],
  ran: ["get_balance", "transfer_funds 2500.00 ACME", "transfer_funds 500.00 ACME"],
};

describe("one policy file, four adapters", () => {
  it.each([
    ["LangChain", runLangChain],
    ["LangGraph", runLangGraph],
    ["AI SDK", runAiSdk],
    ["OpenAI Agents SDK", runOpenAiAgents],
  ] as const)("%s asks about the same calls and runs the same ones", async (_, runIt) => {
    const outcome: Outcome = sorted(await runIt());
    expect({ asked: outcome.asked, ran: outcome.ran }).toEqual(expected);
    expect(outcome.results.small).toContain("Transferred 500.00 to ACME");
    expect(outcome.results.big).toContain("Transferred 2500.00 to ACME");
    expect(outcome.results.balance).toContain("Balance: 5000.00");
    expect(outcome.results.fraud).toContain("rejected this call");
    expect(outcome.results.fraud).toContain("payee not verified");
  });
});
