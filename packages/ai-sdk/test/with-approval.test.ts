import { CallNotApprovedError, InvalidConfigError } from "@safeguards/core";
import { approvals, bankingPolicies, expectTransferRequest } from "@safeguards/test-support";
import { generateText, isStepCount, tool } from "ai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { guardTools, isGuardedTool, withApproval } from "../src/index.js";
import {
  bankingTools,
  type ScriptedCall,
  scriptedModel,
  toolResultsSeen,
} from "./support/scripted.js";

const transfer = (amount: string, id = "call_1") => ({
  id,
  name: "transfer_funds",
  input: { amount, to: "ACME" },
});

async function run(calls: ScriptedCall[], tools: Parameters<typeof generateText>[0]["tools"]) {
  const model = scriptedModel(calls);
  const result = await generateText({ model, tools, prompt: "pay ACME", stopWhen: isStepCount(3) });
  return { model, result, seen: toolResultsSeen(model) };
}

describe("withApproval / guardTools inside generateText", () => {
  it("runs an un-flagged call untouched, without asking", async () => {
    const { ran, tools } = bankingTools();
    const { handler, requests } = approvals();
    const guarded = guardTools(tools, bankingPolicies(), { handler });
    expect(isGuardedTool(guarded.transfer_funds)).toBe(true);
    expect(guarded.get_balance).toBe(tools.get_balance); // policy false: not wrapped
    const { seen, result } = await run([transfer("500.00")], guarded);
    expect(requests).toHaveLength(0);
    expect(ran).toEqual([{ tool: "transfer_funds", input: { amount: "500.00", to: "ACME" } }]);
    expect(seen.call_1).toEqual({ type: "text", value: "Transferred 500.00 to ACME" });
    expect(result.text).toBe("done");
  });

  it("files a flagged call with name, args, JSON Schema and call id, and runs it once approved", async () => {
    const { ran, tools } = bankingTools();
    const { handler, requests, reviewer, channel } = approvals();
    reviewer((r) => channel.approve(r.id, { reviewer: "alice" }));
    const guarded = guardTools(tools, bankingPolicies(), { handler, agentId: "bank-bot" });
    const { seen } = await run([transfer("2500.00")], guarded);
    expect(ran).toEqual([{ tool: "transfer_funds", input: { amount: "2500.00", to: "ACME" } }]);
    expect(seen.call_1).toEqual({ type: "text", value: "Transferred 2500.00 to ACME" });
    expectTransferRequest(requests[0], { agentId: "bank-bot", toolCallId: "call_1" });
  });

  it("runs a modified call with the reviewer's arguments, validated by inputSchema, and tells the model", async () => {
    const { ran, tools } = bankingTools();
    const { handler, reviewer, channel } = approvals();
    reviewer((r) => channel.modify(r.id, { amount: "1800.00" }, { reviewer: "alice" }));
    const { seen } = await run(
      [transfer("2500.00")],
      guardTools(tools, bankingPolicies(), { handler }),
    );
    expect(ran).toEqual([{ tool: "transfer_funds", input: { amount: "1800.00", to: "ACME" } }]);
    const text = (seen.call_1 as { type: string; value: string }).value;
    expect(text).toContain('amount: "2500.00" -> "1800.00"');
    expect(text).toContain("(alice)");
    expect(text).toMatch(/\nTransferred 1800\.00 to ACME$/);
  });

  it("never runs a modification that only the tool's zod schema refuses (a refinement)", async () => {
    const { ran, tools } = bankingTools();
    const { handler, reviewer, channel } = approvals();
    reviewer((r) => channel.modify(r.id, { amount: "2000000.00" }));
    const { seen, result } = await run(
      [transfer("2500.00")],
      guardTools(tools, bankingPolicies(), { handler }),
    );
    expect(ran).toEqual([]);
    expect(seen.call_1).toMatchObject({ type: "error-text" });
    expect(JSON.stringify(seen.call_1)).toContain("new arguments are invalid");
    expect(JSON.stringify(seen.call_1)).toContain("amount must be under 1000000.00");
    const error = result.steps[0]!.content.find((p) => p.type === "tool-error");
    expect(error?.type === "tool-error" && error.error).toBeInstanceOf(CallNotApprovedError);
  });

  it("does not run a rejected call and gives the model the reviewer's reason", async () => {
    const { ran, tools } = bankingTools();
    const { handler, reviewer, channel } = approvals();
    reviewer((r) => channel.reject(r.id, { reviewer: "bob", comments: "payee not verified" }));
    const { seen } = await run(
      [transfer("2500.00")],
      guardTools(tools, bankingPolicies(), { handler }),
    );
    expect(ran).toEqual([]);
    expect(seen.call_1).toEqual({
      type: "error-text",
      value:
        "CallNotApprovedError: transfer_funds was not run: A human reviewer rejected this call (bob): payee not verified",
    });
  });

  it.each([
    ["reject", 0],
    ["approve", 1],
  ] as const)("on timeout (injected clock) follows onTimeout=%s", async (onTimeout, runs) => {
    const { ran, tools } = bankingTools();
    const { handler, reviewer, clock } = approvals();
    reviewer(() => clock.advance(61_000));
    const policies = bankingPolicies({ timeoutSeconds: 60, onTimeout });
    const { seen } = await run([transfer("2500.00")], guardTools(tools, policies, { handler }));
    expect(ran).toHaveLength(runs);
    if (runs === 0) {
      expect(JSON.stringify(seen.call_1)).toContain("No human decided in time");
    }
  });

  it("decides parallel calls of one step one by one: the approved sibling of a rejected call runs", async () => {
    const { ran, tools } = bankingTools();
    const { handler, requests, reviewer, channel } = approvals();
    reviewer((r) =>
      r.action?.args.amount === "3000.00"
        ? channel.reject(r.id, { comments: "too much" })
        : channel.approve(r.id),
    );
    const calls = [
      transfer("3000.00", "call_a"),
      transfer("2000.00", "call_b"),
      { id: "call_c", name: "get_balance", input: {} },
    ];
    const { seen } = await run(calls, guardTools(tools, bankingPolicies(), { handler }));
    expect(requests.map((r) => r.metadata.tool_call_id).sort()).toEqual(["call_a", "call_b"]);
    expect(ran).toContainEqual({
      tool: "transfer_funds",
      input: { amount: "2000.00", to: "ACME" },
    });
    expect(ran).toContainEqual({ tool: "get_balance", input: {} });
    expect(ran).toHaveLength(2);
    expect(JSON.stringify(seen.call_a)).toContain("too much");
    expect(seen.call_b).toEqual({ type: "text", value: "Transferred 2000.00 to ACME" });
    expect(seen.call_c).toEqual({ type: "text", value: "Balance: 5000.00" });
  });

  it("wraps one tool with its own policy entry under the given name", async () => {
    const { ran, tools } = bankingTools();
    const { handler, requests, reviewer, channel } = approvals();
    reviewer((r) => channel.approve(r.id));
    const guarded = withApproval(tools.get_balance, true, { handler, name: "get_balance" });
    const model = scriptedModel([{ id: "call_1", name: "get_balance", input: {} }]);
    await generateText({
      model,
      tools: { get_balance: guarded },
      prompt: "?",
      stopWhen: isStepCount(3),
    });
    expect(requests[0]?.action?.name).toBe("get_balance");
    expect(ran).toEqual([{ tool: "get_balance", input: {} }]);
  });

  it("keeps the model's view of results: JSON by default, or the tool's own toModelOutput", async () => {
    const { handler } = approvals();
    const statement = tool({
      inputSchema: z.object({}),
      execute: async () => ({ balance: "5000.00", at: new Date(0) }),
    });
    const custom = tool({
      inputSchema: z.object({}),
      execute: async () => "raw",
      toModelOutput: ({ output }) => ({ type: "text", value: `custom ${output}` }),
    });
    const never = { when: () => false };
    const model = scriptedModel([
      { id: "call_1", name: "statement", input: {} },
      { id: "call_2", name: "custom", input: {} },
    ]);
    await generateText({
      model,
      tools: {
        statement: withApproval(statement, never, { handler, name: "statement" }),
        custom: withApproval(custom, never, { handler, name: "custom" }),
      },
      prompt: "?",
      stopWhen: isStepCount(3),
    });
    const seen = toolResultsSeen(model);
    expect(seen.call_1).toEqual({
      type: "json",
      value: { balance: "5000.00", at: "1970-01-01T00:00:00.000Z" },
    });
    expect(seen.call_2).toEqual({ type: "text", value: "custom raw" });
  });

  it("hands an un-flagged call to execute as is (its own result); a never-flagged tool keeps its execute", async () => {
    const { handler, requests } = approvals();
    const results: Promise<string>[] = [];
    const seenCalls: unknown[][] = [];
    const echo = tool({
      inputSchema: z.object({ amount: z.string() }),
      execute: (input, opts) => {
        seenCalls.push([input, opts]);
        const result = Promise.resolve(`ran ${input.amount}`);
        results.push(result);
        return result;
      },
    });
    const options = { toolCallId: "c1", messages: [] } as never;
    const input = { amount: "5.00" };
    const small = withApproval(echo, { when: ({ args }) => args.amount !== "5.00" }, { handler });
    const returned = small.execute!(input, options);
    expect(returned).toBe(results[0]); // no promise or frame of ours in between
    expect(seenCalls[0]![0]).toBe(input);
    expect(seenCalls[0]![1]).toBe(options);
    await expect(returned).resolves.toBe("ran 5.00");

    for (const entry of [false, { when: false }]) {
      const never = withApproval(echo, entry, { handler, name: "echo" });
      expect(never.execute).toBe(echo.execute);
      expect(isGuardedTool(never)).toBe(true);
      expect(isGuardedTool(echo)).toBe(false);
    }
    expect(requests).toHaveLength(0);
  });

  it("refuses what it cannot guard", () => {
    const { tools } = bankingTools();
    const { handler } = approvals();
    expect(() => withApproval(tools.transfer_funds, bankingPolicies(), { handler })).toThrow(
      InvalidConfigError,
    );
    const { execute: _, ...clientSide } = tools.transfer_funds;
    expect(() => withApproval(clientSide, true, { handler, name: "x" })).toThrow(/no execute/);
    expect(() => withApproval(tools.transfer_funds, true, {} as never)).toThrow(/handler/);
  });
});
