import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import { type ApprovalRequest, definePolicies, InvalidConfigError } from "@safeguards/core";
import { createAgent } from "langchain";
import { describe, expect, it } from "vitest";
import { approvalMiddleware, withApproval } from "../src/index.js";
import { approvals, bankingPolicies, bankingTools } from "./support/banking.js";

type Calls = Array<{ name: string; args: Record<string, unknown>; id: string }>;

async function runTurn(
  calls: Calls,
  decide: (request: ApprovalRequest, kit: ReturnType<typeof approvals>) => void,
  policies = bankingPolicies(),
) {
  const { transferFunds, getBalance, ran } = bankingTools();
  const kit = approvals();
  kit.reviewer((r) => decide(r, kit));
  const model = fakeModel().respondWithTools(calls).respond(new AIMessage("done"));
  const agent = createAgent({
    model,
    tools: [transferFunds, getBalance],
    middleware: [approvalMiddleware({ policies, handler: kit.handler, mode: "wait" })],
  });
  const result = await agent.invoke({ messages: [new HumanMessage("pay")] });
  const toolMessages = result.messages.filter(ToolMessage.isInstance);
  const byId = Object.fromEntries(toolMessages.map((m) => [m.tool_call_id, m]));
  return { ran, byId, requests: kit.requests, model, result };
}

const big = (id = "t1", amount = "2500.00", to = "ACME") => ({
  name: "transfer_funds",
  args: { amount, to },
  id,
});

describe('approvalMiddleware mode "wait"', () => {
  it("approved: runs with exactly the approved arguments", async () => {
    const { ran, byId, requests } = await runTurn([big()], (r, { channel }) =>
      channel.approve(r.id),
    );
    expect(ran).toEqual([{ tool: "transfer_funds", args: { amount: "2500.00", to: "ACME" } }]);
    expect(byId.t1?.status).toBe("success");
    expect(requests[0]?.metadata.tool_call_id).toBe("t1");
    expect(requests[0]?.action?.argsSchema).toBeDefined();
  });

  it("modified: runs with the reviewer's fields and the model is told", async () => {
    const { ran, byId } = await runTurn([big()], (r, { channel }) =>
      channel.modify(r.id, { amount: "900.00" }, { reviewer: "bob" }),
    );
    expect(ran).toEqual([{ tool: "transfer_funds", args: { amount: "900.00", to: "ACME" } }]);
    expect(byId.t1?.content).toContain('amount: "2500.00" -> "900.00"');
    expect(byId.t1?.content).toContain("Transferred 900.00 to ACME");
  });

  it("rejected: does not run; the model gets an error ToolMessage with the reason", async () => {
    const { ran, byId, model } = await runTurn([big()], (r, { channel }) =>
      channel.reject(r.id, { reviewer: "bob", comments: "over budget" }),
    );
    expect(ran).toHaveLength(0);
    expect(byId.t1?.status).toBe("error");
    expect(byId.t1?.content).toContain("over budget");
    expect(model.calls).toHaveLength(2);
  });

  it("timed out: does not run (onTimeout reject)", async () => {
    const { ran, byId } = await runTurn(
      [big()],
      (_r, { clock }) => clock.advance(31_000),
      bankingPolicies({ timeoutSeconds: 30 }),
    );
    expect(ran).toHaveLength(0);
    expect(byId.t1?.content).toContain("No human decided in time");
  });

  it("timed out with onTimeout approve: runs the original arguments", async () => {
    const { ran, byId } = await runTurn(
      [big()],
      (_r, { clock }) => clock.advance(31_000),
      bankingPolicies({ timeoutSeconds: 30, onTimeout: "approve" }),
    );
    expect(ran).toEqual([{ tool: "transfer_funds", args: { amount: "2500.00", to: "ACME" } }]);
    expect(byId.t1?.status).toBe("success");
  });

  it("a modification the tool's zod schema refuses never runs the tool", async () => {
    // "2000000.00" satisfies the JSON Schema (the channel and handler accept it) but not the
    // tool's refinement, which only the middleware's zod check sees.
    const { ran, byId } = await runTurn([big()], (r, { channel }) =>
      channel.modify(r.id, { amount: "2000000.00" }),
    );
    expect(ran).toHaveLength(0);
    expect(byId.t1?.status).toBe("error");
    expect(byId.t1?.content).toMatch(/invalid.*amount must be under 1000000.00/);
  });

  it("parallel calls: one approved, one rejected, one un-flagged; each gets its own result", async () => {
    const { ran, byId, model, requests } = await runTurn(
      [
        big("a", "2500.00", "ACME"),
        big("b", "4000.00", "EVIL"),
        { name: "get_balance", args: {}, id: "c" },
      ],
      (r, { channel }) =>
        r.metadata.tool_call_id === "a"
          ? channel.approve(r.id)
          : channel.reject(r.id, { comments: "fraud" }),
    );
    expect(requests.map((r) => r.metadata.tool_call_id).sort()).toEqual(["a", "b"]);
    expect(ran.map((r) => JSON.stringify(r)).sort()).toEqual([
      JSON.stringify({ tool: "get_balance", args: {} }),
      JSON.stringify({ tool: "transfer_funds", args: { amount: "2500.00", to: "ACME" } }),
    ]);
    expect(byId.a?.status).toBe("success");
    expect(byId.b?.status).toBe("error");
    expect(byId.b?.content).toContain("fraud");
    expect(byId.c?.status).toBe("success");
    const seen = model.calls[1]!.messages.filter(ToolMessage.isInstance).map((m) => m.tool_call_id);
    expect(seen.sort()).toEqual(["a", "b", "c"]);
  });

  it("does not ask twice for a tool already wrapped with withApproval", async () => {
    const { transferFunds, ran } = bankingTools();
    const kit = approvals();
    kit.reviewer((r) => kit.channel.approve(r.id));
    const policies = bankingPolicies();
    const model = fakeModel().respondWithTools([big()]).respond(new AIMessage("done"));
    const agent = createAgent({
      model,
      tools: [withApproval(transferFunds, policies, { handler: kit.handler })],
      middleware: [approvalMiddleware({ policies, handler: kit.handler })],
    });
    await agent.invoke({ messages: [new HumanMessage("pay")] });
    expect(kit.requests).toHaveLength(1);
    expect(ran).toHaveLength(1);
  });

  it("a policy that throws fails closed: the call waits for a human", async () => {
    const policies = definePolicies({
      transfer_funds: {
        when: () => {
          throw new Error("limits service down");
        },
      },
    });
    const { ran, requests, byId } = await runTurn(
      [big("t1", "5.00")],
      (r, { channel }) => channel.reject(r.id),
      policies,
    );
    expect(requests[0]?.title).toContain("policy failed");
    expect(requests[0]?.metadata.policy_error).toBe("limits service down");
    expect(requests[0]?.allowedDecisions).toEqual(["approve", "reject"]); // as the README says
    expect(ran).toHaveLength(0);
    expect(byId.t1?.status).toBe("error");
  });

  it("refuses bad options", () => {
    const policies = bankingPolicies();
    expect(() => approvalMiddleware({ policies })).toThrow(/needs a handler/);
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong input
    expect(() => approvalMiddleware({ policies: {} as any, mode: "interrupt" })).toThrow(
      InvalidConfigError,
    );
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong input
    expect(() => approvalMiddleware({ policies, mode: "later" as any })).toThrow(/mode/);
    expect(() =>
      approvalMiddleware({ policies, handler: {} as never, agent_id: "bank" } as never),
    ).toThrow(/"agent_id" is snake_case; use "agentId"/);
  });
});
