/**
 * @module durable-child
 * A process of the cross-process durability test. `interrupt FILE`: runs the banking agent
 * until its flagged transfer interrupts and stores `state.toString()` in FILE. `resume FILE`:
 * restores the (decided) state into a fresh agent with `RunState.fromString` and finishes
 * the run. Prints one JSON line: what ran and what the model saw.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { RunState, run } from "@openai/agents";
import { bankingPolicies } from "@safeguards/test-support";
import { bankingAgent, scriptedModel } from "./scripted.js";

const [mode, file] = process.argv.slice(2);
const { model, seen } = scriptedModel([
  { id: "call_1", name: "transfer_funds", input: { amount: "2500.00", to: "ACME" } },
]);
const { agent, ran } = bankingAgent(model, bankingPolicies());
if (mode === "interrupt") {
  const result = await run(agent, "pay ACME");
  writeFileSync(file!, result.state.toString());
  console.log(JSON.stringify({ ran, interruptions: result.interruptions.length }));
} else {
  const state = await RunState.fromString(agent, readFileSync(file!, "utf8"));
  const result = await run(agent, state);
  console.log(JSON.stringify({ ran, seen, output: result.finalOutput }));
}
