/**
 * @module durable-child
 * A process of the cross-process durability tests. `interrupt FILE`: runs the banking agent
 * until its flagged transfer interrupts and stores `state.toString()` in FILE. `resume FILE`:
 * restores the (decided) state into a fresh agent with `RunState.fromString` and finishes
 * the run. With an inbox URL: `file FILE URL` also files the interruption with the inbox and
 * waits (until killed); `resume FILE URL` restores the stored, undecided state, picks up the
 * request filed before (printing `{"attached":true}` once it waits for it), records the
 * inbox's decision and finishes the run. Prints one JSON line: what ran and what the model saw.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { RunState, run } from "@openai/agents";
import { HumanActionHandler, HumanInTheLoopChannel } from "@safeguards/core";
import { bankingPolicies, transferCall } from "@safeguards/test-support";
import { resolveInterruptions } from "../../src/index.js";
import { bankingAgent, scriptedModel } from "./scripted.js";

const [mode, file, url] = process.argv.slice(2);
const policies = bankingPolicies();
const { model, seen } = scriptedModel([transferCall()]);
const { agent, ran } = bankingAgent(model, policies);

async function inboxHandler(inboxUrl: string) {
  const channel = new HumanInTheLoopChannel();
  await channel.initialize({
    webhookUrl: inboxUrl,
    apiKey: "agent-key-bank-bot",
    pollInterval: 0.2,
  });
  return { channel, handler: new HumanActionHandler(channel, { onError: () => {} }) };
}

if (mode === "interrupt" || mode === "file") {
  const result = await run(agent, "pay ACME");
  writeFileSync(file!, result.state.toString());
  console.log(JSON.stringify({ ran, interruptions: result.interruptions.length }));
  if (mode === "file") {
    const { handler } = await inboxHandler(url!);
    await resolveInterruptions(result, { handler, policies, agentId: "bank-bot" }); // killed first
  }
} else {
  const state = await RunState.fromString(agent, readFileSync(file!, "utf8"));
  if (url !== undefined) {
    const { channel, handler } = await inboxHandler(url);
    const resolving = resolveInterruptions(
      { interruptions: state.getInterruptions(), state },
      { handler, policies, agentId: "bank-bot" },
    );
    while (handler.pendingCount === 0) await new Promise((r) => setTimeout(r, 5));
    console.log(JSON.stringify({ attached: true }));
    const { decisions } = await resolving;
    const result = await run(agent, state);
    console.log(
      JSON.stringify({ ran, seen, output: result.finalOutput, decisions: decisions.length }),
    );
    handler.shutdown();
    await channel.shutdown();
  } else {
    const result = await run(agent, state);
    console.log(JSON.stringify({ ran, seen, output: result.finalOutput }));
  }
}
