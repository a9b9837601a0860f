/**
 * Streamed runs (`run(agent, input, { stream: true })`): resolveInterruptions takes the
 * streamed result (it waits for `result.completed` itself), and the streamed resume follows
 * the decisions.
 */
import { run } from "@openai/agents";
import { approvals, bankingPolicies, transferCall } from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import { resolveInterruptions } from "../src/index.js";
import { bankingAgent, scriptedModel } from "./support/scripted.js";

const calls = [
  transferCall("t1"),
  { id: "t2", name: "transfer_funds", input: { amount: "9000.00", to: "Unknown LLC" } },
  { id: "b1", name: "get_balance", input: {} },
];

async function streamedRun(consume: boolean) {
  const policies = bankingPolicies();
  const { model, seen } = scriptedModel(calls);
  const { agent, ran } = bankingAgent(model, policies);
  const { handler, reviewer, channel, requests } = approvals();
  reviewer((r) =>
    r.action?.args.to === "ACME"
      ? channel.approve(r.id, { reviewer: "alice" })
      : channel.reject(r.id, { reviewer: "alice", comments: "payee not verified" }),
  );
  const first = await run(agent, "pay", { stream: true });
  const events: string[] = [];
  if (consume) for await (const event of first) events.push(event.type);
  const { state, decisions } = await resolveInterruptions(first, { handler, policies });
  expect(first.interruptions).toHaveLength(2);
  expect(ran).toEqual([{ tool: "get_balance", input: {} }]); // nothing flagged ran yet

  const resumed = await run(agent, state, { stream: true });
  for await (const event of resumed) events.push(event.type);
  await resumed.completed;
  return { ran, seen, decisions, requests, events, output: resumed.finalOutput };
}

describe("resolveInterruptions with streamed runs", () => {
  it.each([
    ["after the stream was consumed", true],
    ["given the streamed result before it completed", false],
  ])(
    "decides the interruptions of a streamed run %s; the streamed resume follows them",
    async (_, consume) => {
      const { ran, seen, decisions, requests, events, output } = await streamedRun(consume);
      expect(requests.map((r) => r.metadata.tool_call_id)).toEqual(["t1", "t2"]);
      expect(decisions.map((d) => [d.callId, d.approved])).toEqual([
        ["t1", true],
        ["t2", false],
      ]);
      expect(ran).toEqual([
        { tool: "get_balance", input: {} },
        { tool: "transfer_funds", input: { amount: "2500.00", to: "ACME" } },
      ]);
      expect(seen.t1).toBe("Transferred 2500.00 to ACME");
      expect(seen.t2).toContain("payee not verified");
      expect(events).toContain("run_item_stream_event");
      expect(output).toBe("done");
    },
  );
});
