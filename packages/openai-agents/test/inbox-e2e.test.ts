/**
 * End to end through the inbox over HTTP: an interrupted OpenAI Agents SDK run is filed by
 * resolveInterruptions through HumanInTheLoopChannel to a real inbox on 127.0.0.1; a
 * reviewer decides over the inbox's API; the decision is recorded on the run state and the
 * resumed run follows it.
 */
import { RunState, run } from "@openai/agents";
import { HumanActionHandler, HumanInTheLoopChannel } from "@safeguards/core";
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

  it("a restored run refiled by another handler fails closed: the inbox refuses the reused id (409), nothing runs", async () => {
    const policies = bankingPolicies();
    const calls = [{ id: "t1", name: "transfer_funds", input: { amount: "2500.00", to: "ACME" } }];
    const before = bankingAgent(scriptedModel(calls).model, policies);
    const stored = (await run(before.agent, "pay ACME")).state.toString();
    const { url, handler } = await inboxHandler(defer, "bank-bot");
    const reviewer = inboxReviewer(url, REVIEWER_TOKEN, () => [{ type: "approve" }]);
    defer(() => reviewer.stop());
    const first = await RunState.fromString(before.agent, stored);
    const decided = await resolveInterruptions(
      { interruptions: first.getInterruptions(), state: first },
      { handler, policies, agentId: "bank-bot" },
    );
    await reviewer.stop();
    expect(reviewer.answers).toHaveLength(1);

    // "Another process": a new channel and handler, the undecided state restored again.
    const channel = new HumanInTheLoopChannel();
    await channel.initialize({ webhookUrl: url, apiKey: "agent-key-bank-bot", pollInterval: 0.2 });
    defer(() => channel.shutdown());
    const again = new HumanActionHandler(channel, { onError: () => {} });
    defer(() => again.shutdown());
    const { model, seen } = scriptedModel(calls);
    const after = bankingAgent(model, policies);
    const state = await RunState.fromString(after.agent, stored);
    const refiled = await resolveInterruptions(
      { interruptions: state.getInterruptions(), state },
      { handler: again, policies, agentId: "bank-bot" },
    );
    expect(decided.decisions[0]?.approved).toBe(true);
    // Same id, but a different request body (its own expiry): the inbox answers 409.
    expect(refiled.decisions[0]?.approved).toBe(false);
    expect(refiled.decisions[0]?.reason).toContain(decided.decisions[0]!.actionId!);
    expect(refiled.decisions[0]?.reason).toContain("409");
    await run(after.agent, refiled.state);
    expect(after.ran).toEqual([]);
    expect(seen.t1).toContain("could not be filed");
  });
});
