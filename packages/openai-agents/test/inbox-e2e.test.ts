/**
 * End to end through the inbox over HTTP: an interrupted OpenAI Agents SDK run is filed by
 * resolveInterruptions through HumanInTheLoopChannel to a real inbox on 127.0.0.1; a
 * reviewer decides over the inbox's API; the decision is recorded on the run state and the
 * resumed run follows it.
 */
import { run } from "@openai/agents";
import {
  bankingPolicies,
  deferCleanup,
  type InboxRecord,
  inboxHandler,
  inboxReviewer,
  REVIEWER_TOKEN,
} from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import { resolveInterruptions } from "../src/index.js";
import { bankingAgent, scriptedModel } from "./support/scripted.js";

const defer = deferCleanup();

async function runThroughInbox(decide: (record: InboxRecord) => unknown[]) {
  const { url, handler } = await inboxHandler(defer, "bank-bot");
  const reviewer = inboxReviewer(url, REVIEWER_TOKEN, decide);
  defer(() => reviewer.stop());
  const policies = bankingPolicies();
  const { model, seen } = scriptedModel([
    { id: "t1", name: "transfer_funds", input: { amount: "2500.00", to: "ACME" } },
    { id: "b1", name: "get_balance", input: {} },
  ]);
  const { agent, ran } = bankingAgent(model, policies);
  const first = await run(agent, "pay ACME 2500");
  const { state } = await resolveInterruptions(first, { handler, policies, agentId: "bank-bot" });
  const last = await run(agent, state);
  await reviewer.stop();
  return { ran, seen, answers: reviewer.answers, output: last.finalOutput };
}

describe("OpenAI Agents SDK interruptions through the inbox over HTTP", () => {
  it("the inbox refuses a modification; an approval made over its API runs the call", async () => {
    const { ran, seen, answers } = await runThroughInbox((record) => {
      expect(record.action?.name).toBe("transfer_funds");
      expect(record.metadata.tool_call_id).toBe("t1");
      return [
        { type: "modify", response_data: { amount: "1800.00" } }, // not allowed on this path
        { type: "approve" },
      ];
    });
    expect(answers.map((a) => a.status)).toEqual([422, 200]);
    expect(ran).toContainEqual({ tool: "get_balance", input: {} });
    expect(ran).toContainEqual({
      tool: "transfer_funds",
      input: { amount: "2500.00", to: "ACME" },
    });
    expect(seen.t1).toBe("Transferred 2500.00 to ACME");
  });

  it("a rejection made over the inbox's API reaches the model with the reviewer's reason", async () => {
    const { ran, seen, output } = await runThroughInbox(() => [
      { type: "reject", comments: "payee not verified" },
    ]);
    expect(ran).toEqual([{ tool: "get_balance", input: {} }]);
    expect(seen.t1).toContain("payee not verified");
    expect(output).toBe("done");
  });
});
