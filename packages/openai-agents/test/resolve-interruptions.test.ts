import { RunState, run } from "@openai/agents";
import { approvals, bankingPolicies, expectTransferRequest } from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import { resolveInterruptions } from "../src/index.js";
import { bankingAgent, type ScriptedCall, scriptedModel } from "./support/scripted.js";

const transfer = (amount: string, id = "call_1"): ScriptedCall => ({
  id,
  name: "transfer_funds",
  input: { amount, to: "ACME" },
});

describe("resolveInterruptions with the OpenAI Agents SDK", () => {
  it("never asks about an un-flagged call: it runs without an interruption", async () => {
    const { model } = scriptedModel([transfer("500.00")]);
    const { agent, ran } = bankingAgent(model, bankingPolicies());
    const result = await run(agent, "pay ACME");
    expect(result.interruptions).toHaveLength(0);
    expect(ran).toEqual([{ tool: "transfer_funds", input: { amount: "500.00", to: "ACME" } }]);
    expect(result.finalOutput).toBe("done");
  });

  it("files a flagged call (title, args, JSON Schema, call id) and runs it once approved", async () => {
    const { model, seen } = scriptedModel([transfer("2500.00")]);
    const policies = bankingPolicies();
    const { agent, ran } = bankingAgent(model, policies);
    const { handler, requests, reviewer, channel } = approvals();
    reviewer((r) => channel.approve(r.id, { reviewer: "alice" }));
    const first = await run(agent, "pay ACME");
    expect(first.interruptions).toHaveLength(1);
    expect(ran).toEqual([]);
    const { state, decisions } = await resolveInterruptions(first, {
      handler,
      policies,
      agentId: "bank-bot",
    });
    expect(decisions.map((d) => d.approved)).toEqual([true]);
    expectTransferRequest(requests[0], { agentId: "bank-bot", toolCallId: "call_1" });
    expect(requests[0]?.allowedDecisions).toEqual(["approve", "reject"]);
    const second = await run(agent, state);
    expect(ran).toEqual([{ tool: "transfer_funds", input: { amount: "2500.00", to: "ACME" } }]);
    expect(seen.call_1).toBe("Transferred 2500.00 to ACME");
    expect(second.finalOutput).toBe("done");
  });

  it("does not run a rejected call, and the model sees the reviewer's reason", async () => {
    const { model, seen } = scriptedModel([transfer("2500.00")]);
    const policies = bankingPolicies();
    const { agent, ran } = bankingAgent(model, policies);
    const { handler, reviewer, channel } = approvals();
    reviewer((r) => channel.reject(r.id, { reviewer: "bob", comments: "payee not verified" }));
    const first = await run(agent, "pay ACME");
    const { state } = await resolveInterruptions(first, { handler, policies });
    await run(agent, state);
    expect(ran).toEqual([]);
    expect(seen.call_1).toBe("A human reviewer rejected this call (bob): payee not verified");
  });

  it.each([
    ["reject", 0],
    ["approve", 1],
  ] as const)("on timeout (injected clock) follows onTimeout=%s", async (onTimeout, runs) => {
    const { model, seen } = scriptedModel([transfer("2500.00")]);
    const policies = bankingPolicies({ timeoutSeconds: 60, onTimeout });
    const { agent, ran } = bankingAgent(model, policies);
    const { handler, reviewer, clock } = approvals();
    reviewer(() => clock.advance(61_000));
    const { state } = await resolveInterruptions(await run(agent, "pay ACME"), {
      handler,
      policies,
    });
    await run(agent, state);
    expect(ran).toHaveLength(runs);
    if (runs === 0) expect(seen.call_1).toContain("No human decided in time");
  });

  it("decides parallel interruptions one by one: the approved sibling of a rejected call runs", async () => {
    const calls = [
      transfer("3000.00", "call_a"),
      transfer("2000.00", "call_b"),
      { id: "call_c", name: "get_balance", input: {} },
    ];
    const { model, seen } = scriptedModel(calls);
    const policies = bankingPolicies();
    const { agent, ran } = bankingAgent(model, policies);
    const { handler, requests, reviewer, channel } = approvals();
    reviewer((r) =>
      r.action?.args.amount === "3000.00"
        ? channel.reject(r.id, { comments: "too much" })
        : channel.approve(r.id),
    );
    const first = await run(agent, "pay ACME");
    expect(first.interruptions).toHaveLength(2);
    const { state } = await resolveInterruptions(first, { handler, policies });
    expect(requests.map((r) => r.metadata.tool_call_id).sort()).toEqual(["call_a", "call_b"]);
    await run(agent, state);
    expect(ran).toContainEqual({
      tool: "transfer_funds",
      input: { amount: "2000.00", to: "ACME" },
    });
    expect(ran).toContainEqual({ tool: "get_balance", input: {} });
    expect(ran).toHaveLength(2);
    expect(seen.call_a).toContain("too much");
    expect(seen.call_b).toBe("Transferred 2000.00 to ACME");
    expect(seen.call_c).toBe("Balance: 5000.00");
  });

  it("is durable: the serialised state resumes in a fresh agent after the decision", async () => {
    const policies = bankingPolicies();
    const before = bankingAgent(scriptedModel([transfer("2500.00")]).model, policies);
    const stored = (await run(before.agent, "pay ACME")).state.toString();

    const { model, seen } = scriptedModel([transfer("2500.00")]);
    const after = bankingAgent(model, policies);
    const state = await RunState.fromString(after.agent, stored);
    const { handler, requests, reviewer, channel } = approvals();
    reviewer((r) => channel.approve(r.id));
    const resolved = await resolveInterruptions(
      { interruptions: state.getInterruptions(), state },
      { handler, policies },
    );
    // Filing the same interruption again reaches the same request (deterministic id).
    const copy = await RunState.fromString(after.agent, stored);
    const again = await resolveInterruptions(
      { interruptions: copy.getInterruptions(), state: copy },
      { handler, policies },
    );
    expect(requests).toHaveLength(1);
    expect(again.decisions[0]?.actionId).toBe(resolved.decisions[0]?.actionId);
    await run(after.agent, resolved.state);
    expect(before.ran).toEqual([]);
    expect(after.ran).toEqual([
      { tool: "transfer_funds", input: { amount: "2500.00", to: "ACME" } },
    ]);
    expect(seen.call_1).toBe("Transferred 2500.00 to ACME");
  });
});
