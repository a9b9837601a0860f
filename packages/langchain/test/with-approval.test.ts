import { HumanMessage, ToolMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import {
  ChannelDeliveryError,
  ErrorCode,
  InvalidConfigError,
  InvalidModificationError,
} from "@safeguards/core";
import { expectTransferRequest } from "@safeguards/test-support";
import { createAgent } from "langchain";
import { describe, expect, it } from "vitest";
import { CallNotApprovedError, guardTools, isGuardedTool, withApproval } from "../src/index.js";
import { approvals, bankingPolicies, bankingTools } from "./support/banking.js";

const call = (args: Record<string, unknown>, id = "call_1") => ({
  type: "tool_call" as const,
  id,
  name: "transfer_funds",
  args,
});

describe("withApproval", () => {
  it("keeps name, description and schema, and runs un-flagged calls without asking", async () => {
    const { transferFunds, ran } = bankingTools();
    const { handler, requests } = approvals();
    const guarded = withApproval(transferFunds, bankingPolicies(), { handler });
    expect(guarded.name).toBe("transfer_funds");
    expect(guarded.description).toBe(transferFunds.description);
    expect(guarded.schema).toBe(transferFunds.schema);
    expect(isGuardedTool(guarded)).toBe(true);
    expect(isGuardedTool(transferFunds)).toBe(false);
    await expect(guarded.invoke({ amount: "500.00", to: "ACME" })).resolves.toBe(
      "Transferred 500.00 to ACME",
    );
    expect(requests).toHaveLength(0);
    expect(ran).toEqual([{ tool: "transfer_funds", args: { amount: "500.00", to: "ACME" } }]);
  });

  it("files a flagged call with name, args, JSON Schema and hash, and runs it once approved", async () => {
    const { transferFunds, ran } = bankingTools();
    const { handler, requests, reviewer, channel } = approvals();
    reviewer((r) => channel.approve(r.id, { reviewer: "alice" }));
    const guarded = withApproval(transferFunds, bankingPolicies(), {
      handler,
      agentId: "bank-bot",
    });
    const result = await guarded.invoke(call({ amount: "2500.00", to: "ACME" }));
    expect(ToolMessage.isInstance(result)).toBe(true);
    expect((result as ToolMessage).content).toBe("Transferred 2500.00 to ACME");
    expect((result as ToolMessage).status).toBe("success");
    expect(ran).toHaveLength(1);
    expectTransferRequest(requests[0], { agentId: "bank-bot", toolCallId: "call_1" });
  });

  it("runs a modified call with the merged, validated arguments and tells the model", async () => {
    const { transferFunds, ran } = bankingTools();
    const { handler, reviewer, channel } = approvals();
    reviewer((r) =>
      channel.modify(r.id, { amount: "1800.00" }, { reviewer: "alice", comments: "cap" }),
    );
    const guarded = withApproval(transferFunds, bankingPolicies(), { handler });
    const result = (await guarded.invoke(call({ amount: "2500.00", to: "ACME" }))) as ToolMessage;
    expect(ran).toEqual([{ tool: "transfer_funds", args: { amount: "1800.00", to: "ACME" } }]);
    expect(result.content).toContain('amount: "2500.00" -> "1800.00"');
    expect(result.content).toContain("(alice)");
    expect(result.content).toContain("Transferred 1800.00 to ACME");
  });

  it("never runs a modification that only the tool's zod schema refuses (a refinement)", async () => {
    const { transferFunds, ran } = bankingTools();
    const { handler, reviewer, channel } = approvals();
    reviewer((r) => channel.modify(r.id, { amount: "2000000.00" }));
    const guarded = withApproval(transferFunds, bankingPolicies(), { handler });
    const result = (await guarded.invoke(call({ amount: "2500.00", to: "ACME" }))) as ToolMessage;
    expect(ran).toHaveLength(0);
    expect(result.status).toBe("error");
    expect(result.content).toMatch(/new arguments are invalid.*amount must be under/);
    await expect(guarded.invoke({ amount: "2500.00", to: "ACME" })).rejects.toBeInstanceOf(
      CallNotApprovedError,
    );
    expect(ran).toHaveLength(0);
  });

  it.each([
    ["an unknown field", { memo: "x" }, /unknown field\(s\): memo/],
    ["a value failing the tool's JSON Schema", { amount: 1800 }, /args schema.*\/amount/],
  ])(
    "refuses at once a modification with %s; the call stays pending and never runs",
    async (_, modification, why) => {
      const { transferFunds, ran } = bankingTools();
      const { handler, reviewer, channel } = approvals();
      const refused: unknown[] = [];
      reviewer((r) => {
        try {
          channel.modify(r.id, modification);
        } catch (error) {
          refused.push(error);
        }
        channel.reject(r.id, { comments: "no" });
      });
      const guarded = withApproval(transferFunds, bankingPolicies(), { handler });
      const result = (await guarded.invoke(call({ amount: "2500.00", to: "ACME" }))) as ToolMessage;
      expect(refused[0]).toBeInstanceOf(InvalidModificationError);
      expect((refused[0] as Error).message).toMatch(why);
      expect(result.status).toBe("error");
      expect(ran).toHaveLength(0);
    },
  );

  it("rejected: returns an error ToolMessage with the reason to a tool call, throws to a plain call", async () => {
    const { transferFunds, ran } = bankingTools();
    const { handler, reviewer, channel } = approvals();
    reviewer((r) => channel.reject(r.id, { reviewer: "alice", comments: "payee unknown" }));
    const guarded = withApproval(transferFunds, bankingPolicies(), { handler });
    const result = (await guarded.invoke(call({ amount: "2500.00", to: "ACME" }))) as ToolMessage;
    expect(result.status).toBe("error");
    expect(result.tool_call_id).toBe("call_1");
    expect(result.content).toContain("rejected this call (alice): payee unknown");
    const error = await guarded.invoke({ amount: "2500.00", to: "ACME" }).catch((e) => e);
    expect(error).toBeInstanceOf(CallNotApprovedError);
    expect(error.code).toBe(ErrorCode.NOT_APPROVED);
    expect(error.status).toBe("rejected");
    expect(ran).toHaveLength(0);
  });

  it("timed out: not run by default; run when the policy says onTimeout approve", async () => {
    for (const onTimeout of ["reject", "approve"] as const) {
      const { transferFunds, ran } = bankingTools();
      const { handler, reviewer, clock } = approvals();
      reviewer(() => clock.advance(61_000));
      const policies = bankingPolicies({ timeoutSeconds: 60, onTimeout });
      const guarded = withApproval(transferFunds, policies, { handler });
      const result = (await guarded.invoke(call({ amount: "2500.00", to: "ACME" }))) as ToolMessage;
      if (onTimeout === "reject") {
        expect(result.status).toBe("error");
        expect(result.content).toContain("No human decided in time");
        expect(ran).toHaveLength(0);
      } else {
        expect(result.status).toBe("success");
        expect(ran).toHaveLength(1);
      }
    }
  });

  it("an aborted run withdraws its request and does not run the tool", async () => {
    const { transferFunds, ran } = bankingTools();
    const { handler, channel, reviewer, requests } = approvals();
    const controller = new AbortController();
    reviewer(() => controller.abort(new Error("user left")));
    const guarded = withApproval(transferFunds, bankingPolicies(), { handler });
    const outcome = guarded
      .invoke(call({ amount: "2500.00", to: "ACME" }), { signal: controller.signal })
      .catch((e) => e);
    expect(await outcome).toBeInstanceOf(Error);
    const record = await channel.getRecord(requests[0]!.id);
    expect(record?.decision?.status).toBe("cancelled");
    expect(handler.pendingCount).toBe(0);
    expect(ran).toHaveLength(0);
  });

  it("fails closed when the request cannot be filed", async () => {
    const { transferFunds, ran } = bankingTools();
    const { handler, channel } = approvals();
    channel.shutdown();
    const guarded = withApproval(transferFunds, true, { handler });
    const result = (await guarded.invoke(call({ amount: "1.00", to: "ACME" }))) as ToolMessage;
    expect(result.status).toBe("error");
    expect(result.content).toContain("could not be filed");
    expect(ran).toHaveLength(0);
    expect(new ChannelDeliveryError("x").code).toBe(ErrorCode.CHANNEL_DELIVERY_FAILED);
  });

  it("refuses bad configuration", () => {
    const { transferFunds } = bankingTools();
    const { handler } = approvals();
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong input
    expect(() => withApproval({ name: "x" } as any, true, { handler })).toThrow(InvalidConfigError);
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong input
    expect(() => withApproval(transferFunds, true, {} as any)).toThrow(InvalidConfigError);
    expect(() => withApproval(transferFunds, { timeout_seconds: 3 } as never, { handler })).toThrow(
      /use "timeoutSeconds"/,
    );
    expect(() => withApproval(transferFunds, true, { handler, agent_id: "bank" } as never)).toThrow(
      /"agent_id" is snake_case; use "agentId"/,
    );
  });
});

describe("guardTools in a createAgent without middleware", () => {
  it("approves one call and rejects its sibling; the model sees both results", async () => {
    const { transferFunds, getBalance, ran } = bankingTools();
    const { handler, reviewer, channel } = approvals();
    reviewer((r) =>
      r.action?.args.to === "ACME"
        ? channel.approve(r.id)
        : channel.reject(r.id, { comments: "unknown payee" }),
    );
    const tools = guardTools([transferFunds, getBalance], bankingPolicies(), { handler });
    expect(tools[1]).toBe(getBalance);
    const model = fakeModel()
      .respondWithTools([
        { name: "transfer_funds", args: { amount: "2500.00", to: "ACME" }, id: "a" },
        { name: "transfer_funds", args: { amount: "3000.00", to: "EVIL" }, id: "b" },
        { name: "get_balance", args: {}, id: "c" },
      ])
      .respond(new HumanMessage("done"));
    const agent = createAgent({ model, tools });
    const result = await agent.invoke({ messages: [new HumanMessage("pay")] });
    expect(ran.map((r) => r.tool).sort()).toEqual(["get_balance", "transfer_funds"]);
    const toolMessages = result.messages.filter(ToolMessage.isInstance);
    const byId = Object.fromEntries(toolMessages.map((m) => [m.tool_call_id, m]));
    expect(byId.a?.status).toBe("success");
    expect(byId.b?.status).toBe("error");
    expect(byId.b?.content).toContain("unknown payee");
    expect(byId.c?.content).toBe("Balance: 5000.00");
    const seen = model.calls[1]!.messages.filter(ToolMessage.isInstance).map((m) => m.tool_call_id);
    expect(seen.sort()).toEqual(["a", "b", "c"]);
  });
});
