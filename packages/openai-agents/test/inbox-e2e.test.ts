/**
 * End to end through the inbox over HTTP: an interrupted OpenAI Agents SDK run is filed by
 * resolveInterruptions through HumanInTheLoopChannel to a real inbox on 127.0.0.1; a
 * reviewer decides over the inbox's API; the decision is recorded on the run state and the
 * resumed run follows it, also when another process (a new channel and handler) resumes
 * the stored run after the first one filed it and stopped.
 */
import { RunState, run } from "@openai/agents";
import { HumanActionHandler, HumanInTheLoopChannel } from "@safeguards/core";
import {
  bankingPolicies,
  deferCleanup,
  eventually,
  type InboxRecord,
  inboxHandler,
  inboxReviewer,
  inboxWithReviewer,
  REVIEWER_TOKEN,
  transferCall,
  transferThenBalance,
} from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import { resolveInterruptions } from "../src/index.js";
import { bankingAgent, scriptedModel } from "./support/scripted.js";

const defer = deferCleanup();

async function runThroughInbox(decide: (record: InboxRecord) => unknown[]) {
  const { handler, reviewer } = await inboxWithReviewer(defer, "bank-bot", decide);
  const policies = bankingPolicies();
  const { model, seen } = scriptedModel(transferThenBalance());
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

  it("a restored run resumed by another process picks up the request the first one filed, and its decision", async () => {
    const policies = bankingPolicies();
    const calls = [transferCall("t1")];
    const before = bankingAgent(scriptedModel(calls).model, policies);
    const stored = (await run(before.agent, "pay ACME")).state.toString();
    const { url, handler } = await inboxHandler(defer, "bank-bot");
    // The first process files the interruption, then stops (restarts) before any decision.
    const first = await RunState.fromString(before.agent, stored);
    const abandoned = resolveInterruptions(
      { interruptions: first.getInterruptions(), state: first },
      { handler, policies, agentId: "bank-bot" },
    );
    await eventually(async () => (await inboxList(url)).length === 1);
    const pending = await inboxList(url);
    handler.shutdown();
    expect((await abandoned).decisions[0]?.approved).toBe(false);
    // The reviewer decides while no process waits.
    const reviewer = inboxReviewer(url, REVIEWER_TOKEN, () => [{ type: "approve" }]);
    defer(() => reviewer.stop());
    await eventually(async () => (await inboxList(url)).length === 0);
    await reviewer.stop();

    // "Another process": a new channel and handler, the stored state restored again.
    const channel = new HumanInTheLoopChannel();
    await channel.initialize({ webhookUrl: url, apiKey: "agent-key-bank-bot", pollInterval: 0.2 });
    defer(() => channel.shutdown());
    const again = new HumanActionHandler(channel, { onError: () => {} });
    defer(() => again.shutdown());
    const { model, seen } = scriptedModel(calls);
    const after = bankingAgent(model, policies);
    const state = await RunState.fromString(after.agent, stored);
    const resumed = await resolveInterruptions(
      { interruptions: state.getInterruptions(), state },
      { handler: again, policies, agentId: "bank-bot" },
    );
    expect(resumed.decisions).toMatchObject([{ approved: true, actionId: pending[0]!.id }]);
    expect(reviewer.answers.map((a) => a.id)).toEqual([pending[0]!.id]); // one request only
    await run(after.agent, resumed.state);
    expect(after.ran).toEqual([
      { tool: "transfer_funds", input: { amount: "2500.00", to: "ACME" } },
    ]);
    expect(seen.t1).toBe("Transferred 2500.00 to ACME");
  });
});

/** The pending actions as a reviewer lists them. */
async function inboxList(url: string): Promise<InboxRecord[]> {
  const res = await fetch(`${url}/actions?status=pending`, {
    headers: { authorization: `Bearer ${REVIEWER_TOKEN}` },
  });
  return ((await res.json()) as { actions: InboxRecord[] }).actions;
}
