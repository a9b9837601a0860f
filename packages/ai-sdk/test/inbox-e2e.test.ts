/**
 * End to end through the inbox over HTTP: generateText with guarded tools files a flagged
 * call through HumanInTheLoopChannel to a real inbox on 127.0.0.1; a reviewer decides over
 * the inbox's API; the decision reaches the tool loop.
 */
import {
  bankingPolicies,
  deferCleanup,
  type InboxRecord,
  inboxWithReviewer,
  transferThenBalance,
} from "@safeguards/test-support";
import { generateText, isStepCount } from "ai";
import { describe, expect, it } from "vitest";
import { guardTools } from "../src/index.js";
import { bankingTools, scriptedModel, toolResultsSeen } from "./support/scripted.js";

const defer = deferCleanup();

async function runThroughInbox(decide: (record: InboxRecord) => unknown[]) {
  const { handler, reviewer } = await inboxWithReviewer(defer, "bank-bot", decide);
  const { tools, ran } = bankingTools();
  const model = scriptedModel(transferThenBalance());
  await generateText({
    model,
    tools: guardTools(tools, bankingPolicies(), { handler, agentId: "bank-bot" }),
    prompt: "pay ACME 2500",
    stopWhen: isStepCount(3),
  });
  await reviewer.stop();
  return { ran, seen: toolResultsSeen(model), answers: reviewer.answers };
}

describe("AI SDK tools through the inbox over HTTP", () => {
  it("a modification made over the inbox's API runs with the new, validated input", async () => {
    const { ran, seen, answers } = await runThroughInbox(() => [
      { type: "modify", response_data: { amount: 1800 } }, // wrong type: refused by the inbox
      { type: "modify", response_data: { amount: "1800.00" }, comments: "capped" },
    ]);
    expect(answers.map((a) => a.status)).toEqual([422, 200]);
    expect(ran).toHaveLength(2);
    expect(ran).toContainEqual({ tool: "get_balance", input: {} });
    expect(ran).toContainEqual({
      tool: "transfer_funds",
      input: { amount: "1800.00", to: "ACME" },
    });
    expect(JSON.stringify(seen.t1)).toContain('amount: \\"2500.00\\" -> \\"1800.00\\"');
  });

  it("a rejection made over the inbox's API reaches the model with the reviewer's reason", async () => {
    const { ran, seen } = await runThroughInbox((record) => {
      expect(record.action?.name).toBe("transfer_funds");
      expect(record.metadata.tool_call_id).toBe("t1");
      return [{ type: "reject", comments: "payee not verified" }];
    });
    expect(ran).toEqual([{ tool: "get_balance", input: {} }]);
    expect(seen.t1).toMatchObject({ type: "error-text" });
    expect(JSON.stringify(seen.t1)).toContain("rejected this call (alice): payee not verified");
    expect(seen.b1).toEqual({ type: "text", value: "Balance: 5000.00" });
  });
});
