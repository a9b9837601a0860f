import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import { Command, MemorySaver } from "@langchain/langgraph";
import { createManualClock, ErrorCode, hashArgs, isSafeguardsError } from "@safeguards/core";
import { createAgent } from "langchain";
import { describe, expect, it } from "vitest";
import {
  type ApprovalPayload,
  approvalMiddleware,
  buildResumeCommand,
  listPendingApprovals,
  resumeApprovals,
  strictResumeConfig,
} from "../src/index.js";
import { bankingPolicies, bankingTools } from "./support/banking.js";

type Calls = Array<{ name: string; args: Record<string, unknown>; id: string }>;

let threads = 0;
function pausedAgent(
  calls: Calls,
  policies = bankingPolicies(),
  clock = createManualClock(),
  options: { passTools?: boolean } = {},
) {
  const { transferFunds, getBalance, ran } = bankingTools();
  const model = fakeModel().respondWithTools(calls).respond(new AIMessage("done"));
  const tools = [transferFunds, getBalance];
  const agent = createAgent({
    model,
    tools,
    middleware: [
      approvalMiddleware({
        policies,
        mode: "interrupt",
        agentId: "bank-bot",
        clock,
        ...(options.passTools ? { tools } : {}),
      }),
    ],
    checkpointer: new MemorySaver(),
  });
  const config = { configurable: { thread_id: `thread-${++threads}` } };
  const start = () => agent.invoke({ messages: [new HumanMessage("pay")] }, config);
  const toolMessages = async () => {
    const state = (await agent.getState(config)) as unknown as { values: { messages: unknown[] } };
    const messages = state.values.messages.filter(ToolMessage.isInstance);
    return Object.fromEntries(messages.map((m) => [m.tool_call_id, m]));
  };
  return { agent, config, start, ran, model, toolMessages, clock };
}

const big = (id = "t1", amount = "2500.00", to = "ACME") => ({
  name: "transfer_funds",
  args: { amount, to },
  id,
});

async function decideOne(decision: unknown) {
  const kit = pausedAgent([big()]);
  const first = await kit.start();
  expect(first.__interrupt__).toHaveLength(1);
  expect(kit.ran).toHaveLength(0);
  const result = await resumeApprovals(kit.agent, kit.config, { t1: decision });
  return { ...kit, result, byId: await kit.toolMessages() };
}

describe('approvalMiddleware mode "interrupt"', () => {
  it("pauses a flagged call with its own interrupt carrying the call and a responseSchema", async () => {
    const kit = pausedAgent([big(), { name: "get_balance", args: {}, id: "c" }]);
    const first = await kit.start();
    expect(kit.ran).toEqual([{ tool: "get_balance", args: {} }]);
    const [entry] = first.__interrupt__!;
    const value = entry!.value as ApprovalPayload;
    expect(value.tool_call_id).toBe("t1");
    expect(value.name).toBe("transfer_funds");
    expect(value.args).toEqual({ amount: "2500.00", to: "ACME" });
    expect(value.args_hash).toBe(hashArgs({ amount: "2500.00", to: "ACME" }));
    expect(value.title).toBe("Approve $2500.00 transfer");
    expect(value.description).toContain("transfer_funds");
    expect(value.allowed_decisions).toEqual(["approve", "modify", "reject"]);
    expect(value.agent_id).toBe("bank-bot");
    expect(value.actionRequests[0].name).toBe("transfer_funds");
    expect(value.reviewConfigs[0].allowedDecisions).toEqual(["approve", "edit", "reject"]);
    expect((entry as { response_schema?: unknown }).response_schema).toBeDefined();
    const pending = await listPendingApprovals(kit.agent, kit.config);
    expect(pending.map((p) => [p.interruptId, p.toolCallId])).toEqual([[entry!.id, "t1"]]);
  });

  it("approved: runs with the original arguments", async () => {
    const { ran, byId, result } = await decideOne({ type: "approve" });
    const paused = result as { __interrupt__?: unknown[] };
    expect(ran).toEqual([{ tool: "transfer_funds", args: { amount: "2500.00", to: "ACME" } }]);
    expect(byId.t1?.status).toBe("success");
    expect(paused.__interrupt__ ?? []).toHaveLength(0);
  });

  it("modified: runs with the merged arguments and tells the model", async () => {
    const { ran, byId } = await decideOne({
      type: "modify",
      responseData: { amount: "1200.00" },
      reviewer: "carol",
    });
    expect(ran).toEqual([{ tool: "transfer_funds", args: { amount: "1200.00", to: "ACME" } }]);
    expect(byId.t1?.content).toContain('amount: "2500.00" -> "1200.00"');
    expect(byId.t1?.content).toContain("(carol)");
  });

  it("rejected: does not run; the model gets the reason", async () => {
    const { ran, byId, model } = await decideOne({ type: "reject", comments: "not today" });
    expect(ran).toHaveLength(0);
    expect(byId.t1?.status).toBe("error");
    expect(byId.t1?.content).toContain("not today");
    expect(model.calls).toHaveLength(2);
  });

  it("timed out (delivered by a bridge): does not run unless onTimeout is approve", async () => {
    const { ran, byId } = await decideOne({ type: "timed_out" });
    expect(ran).toHaveLength(0);
    expect(byId.t1?.content).toContain("No human decided in time");
    const kit = pausedAgent([big()], bankingPolicies({ onTimeout: "approve", timeoutSeconds: 60 }));
    await kit.start();
    expect(kit.ran).toHaveLength(0);
    // before the deadline, a timeout that would run the call is refused
    await expect(
      resumeApprovals(kit.agent, kit.config, { t1: { type: "timed_out" } }),
    ).rejects.toMatchObject({ code: ErrorCode.DECISION_NOT_ALLOWED });
    expect(kit.ran).toHaveLength(0);
    kit.clock.advance(60_000);
    await resumeApprovals(kit.agent, kit.config, { t1: { type: "timed_out" } });
    expect(kit.ran).toEqual([{ tool: "transfer_funds", args: { amount: "2500.00", to: "ACME" } }]);
  });

  it("accepts LangChain HITLResponse decisions: edit, reject with message, { decisions: [...] }", async () => {
    const edited = await decideOne({
      type: "edit",
      editedAction: { name: "transfer_funds", args: { amount: "10.00", to: "ACME" } },
    });
    expect(edited.ran).toEqual([{ tool: "transfer_funds", args: { amount: "10.00", to: "ACME" } }]);
    const rejected = await decideOne({ decisions: [{ type: "reject", message: "nope" }] });
    expect(rejected.ran).toHaveLength(0);
    expect(rejected.byId.t1?.content).toContain("nope");
    const approved = await decideOne({ decisions: [{ type: "approve" }] });
    expect(approved.ran).toHaveLength(1);
  });

  it("two parallel flagged calls: the approved one runs, the rejected one does not, the model sees both", async () => {
    const kit = pausedAgent([big("a", "2500.00", "ACME"), big("b", "9000.00", "EVIL")]);
    const first = await kit.start();
    expect(first.__interrupt__).toHaveLength(2);
    await resumeApprovals(kit.agent, kit.config, {
      a: { type: "approve" },
      b: { type: "reject", comments: "fraud" },
    });
    expect(kit.ran).toEqual([{ tool: "transfer_funds", args: { amount: "2500.00", to: "ACME" } }]);
    const byId = await kit.toolMessages();
    expect(byId.a?.status).toBe("success");
    expect(byId.b?.status).toBe("error");
    const seen = kit.model.calls[1]!.messages.filter(ToolMessage.isInstance).map(
      (m) => m.tool_call_id,
    );
    expect(seen.sort()).toEqual(["a", "b"]);
  });

  it("parallel flagged and un-flagged calls: un-flagged ones run once, every call gets one ToolMessage", async () => {
    const kit = pausedAgent([
      big("a", "2500.00", "ACME"),
      { name: "get_balance", args: {}, id: "g" },
      big("s", "500.00", "Landlord"),
    ]);
    const first = await kit.start();
    expect(first.__interrupt__).toHaveLength(1);
    await resumeApprovals(kit.agent, kit.config, { a: { type: "reject", comments: "no" } });
    expect(kit.ran.filter((r) => r.tool === "get_balance")).toHaveLength(1);
    expect(kit.ran.filter((r) => r.tool === "transfer_funds")).toEqual([
      { tool: "transfer_funds", args: { amount: "500.00", to: "Landlord" } },
    ]);
    const byId = await kit.toolMessages();
    expect(Object.keys(byId).sort()).toEqual(["a", "g", "s"]);
    expect(byId.a?.status).toBe("error");
    expect(byId.g?.status).toBe("success");
    expect(byId.s?.status).toBe("success");
    const seen = kit.model.calls[1]!.messages.filter(ToolMessage.isInstance);
    expect(seen.map((m) => m.tool_call_id).sort()).toEqual(["a", "g", "s"]);
  });

  it("decides parallel calls one at a time", async () => {
    const kit = pausedAgent([big("a"), big("b", "3000.00")]);
    await kit.start();
    const afterOne = (await resumeApprovals(kit.agent, kit.config, {
      b: { type: "approve" },
    })) as { __interrupt__?: unknown[] };
    expect(afterOne.__interrupt__).toHaveLength(1);
    expect(kit.ran).toHaveLength(1);
    expect((await listPendingApprovals(kit.agent, kit.config)).map((p) => p.toolCallId)).toEqual([
      "a",
    ]);
    await resumeApprovals(kit.agent, kit.config, { a: { type: "approve" } });
    expect(kit.ran).toHaveLength(2);
  });

  it("an invalid modification (wrong type, unknown field) never runs and does not poison the thread", async () => {
    const kit = pausedAgent([big()]);
    const first = await kit.start();
    const interruptId = first.__interrupt__![0]!.id!;
    const strict = strictResumeConfig(kit.config);
    const bad: [unknown, string][] = [
      [{ type: "modify", responseData: { amount: 12 } }, ErrorCode.INVALID_MODIFICATION],
      [{ type: "modify", responseData: { memo: "hi" } }, ErrorCode.INVALID_MODIFICATION],
      [
        { type: "edit", editedAction: { name: "delete_everything", args: { amount: "1.00" } } },
        ErrorCode.INVALID_MODIFICATION,
      ],
      [{ type: "modify", responseData: {} }, ErrorCode.INVALID_MODIFICATION],
      // the tool's zod refinement (no JSON Schema form) is checked before anything is saved too
      [{ type: "modify", responseData: { amount: "2000000.00" } }, ErrorCode.INVALID_MODIFICATION],
      [
        { type: "approve", argsHash: hashArgs({ amount: "1.00", to: "ACME" }) },
        ErrorCode.ARGS_MISMATCH,
      ],
      [{ type: "maybe" }, ErrorCode.INVALID_ARGUMENT],
    ];
    for (const [decision, code] of bad) {
      const refused = await resumeApprovals(kit.agent, kit.config, { t1: decision }).catch(
        (e) => e,
      );
      expect(isSafeguardsError(refused, code as never), JSON.stringify(decision)).toBe(true);
      // a raw keyed Command is refused by the graph before anything is saved
      await expect(
        kit.agent.invoke(new Command({ resume: { [interruptId]: decision } }), strict),
      ).rejects.toThrow();
      expect(kit.ran).toHaveLength(0);
    }
    const pending = await listPendingApprovals(kit.agent, kit.config);
    expect(pending.map((p) => p.interruptId)).toEqual([interruptId]);
    await resumeApprovals(kit.agent, kit.config, {
      t1: { type: "modify", responseData: { amount: "999.00" } },
    });
    expect(kit.ran).toEqual([{ tool: "transfer_funds", args: { amount: "999.00", to: "ACME" } }]);
  });

  it("with `tools`, an edit that fails another call's zod refinement refuses the whole resume", async () => {
    const kit = pausedAgent(
      [big("a"), big("b", "3000.00")],
      bankingPolicies(),
      createManualClock(),
      {
        passTools: true,
      },
    );
    await kit.start();
    const before = await listPendingApprovals(kit.agent, kit.config);
    // under 1000000.00 is a zod refinement: JSON Schema (args_schema) cannot express it
    for (const [edited, approved] of [
      ["a", "b"],
      ["b", "a"],
    ] as const) {
      const refused = await resumeApprovals(kit.agent, kit.config, {
        [edited]: { type: "modify", responseData: { amount: "2000000.00" } },
        [approved]: { type: "approve" },
      }).catch((e) => e);
      expect(isSafeguardsError(refused, ErrorCode.INVALID_MODIFICATION)).toBe(true);
      expect(String((refused as Error).message)).toContain("1000000.00");
      expect(kit.ran).toHaveLength(0);
      expect(await listPendingApprovals(kit.agent, kit.config)).toEqual(before);
    }
  });

  it("without `tools`, an edit failing only another call's zod refinement never runs that call", async () => {
    const kit = pausedAgent([big("a"), big("b", "3000.00")]);
    await kit.start();
    await resumeApprovals(kit.agent, kit.config, {
      a: { type: "approve" },
      b: { type: "modify", responseData: { amount: "2000000.00" } },
    }).catch((e) => e);
    // the edit never ran, and the call did not succeed: it is refused or asked about again
    expect(kit.ran.filter((r) => (r.args as { amount: string }).amount === "2000000.00")).toEqual(
      [],
    );
    const byId = await kit.toolMessages();
    expect(byId.b?.status ?? "no result").not.toBe("success");
  });

  it("only allowed decisions are accepted", async () => {
    const policies = bankingPolicies();
    const strictPolicies = {
      ...policies,
      entryFor: policies.entryFor,
      evaluate: async (ctx: Parameters<typeof policies.evaluate>[0]) => {
        const verdict = await policies.evaluate(ctx);
        return verdict.required
          ? { ...verdict, allowedDecisions: ["approve" as const, "reject" as const] }
          : verdict;
      },
    };
    const kit = pausedAgent([big()], strictPolicies);
    const first = await kit.start();
    const value = first.__interrupt__![0]!.value as ApprovalPayload;
    expect(value.reviewConfigs[0].allowedDecisions).toEqual(["approve", "reject"]);
    await expect(
      resumeApprovals(kit.agent, kit.config, {
        t1: { type: "modify", responseData: { amount: "1.00" } },
      }),
    ).rejects.toThrow(/not allowed/);
    expect(kit.ran).toHaveLength(0);
  });

  it("refuses un-keyed, unknown, answered and empty resumes", async () => {
    const kit = pausedAgent([big("a"), big("b", "3000.00")]);
    await kit.start();
    await expect(
      kit.agent.invoke(
        new Command({ resume: { type: "approve" } }),
        strictResumeConfig(kit.config),
      ),
    ).rejects.toThrow(/specify the interrupt id/);
    expect(kit.ran).toHaveLength(0);
    expect(await listPendingApprovals(kit.agent, kit.config)).toHaveLength(2);
    await expect(
      resumeApprovals(kit.agent, kit.config, { zzz: { type: "approve" } }),
    ).rejects.toMatchObject({
      code: ErrorCode.NOT_FOUND,
    });
    await expect(resumeApprovals(kit.agent, kit.config, {})).rejects.toMatchObject({
      code: ErrorCode.INVALID_ARGUMENT,
    });
    await resumeApprovals(kit.agent, kit.config, { a: { type: "reject" } });
    await expect(
      resumeApprovals(kit.agent, kit.config, { a: { type: "approve" } }),
    ).rejects.toMatchObject({
      code: ErrorCode.NOT_FOUND,
      message: expect.stringMatching(/already answered/),
    });
    const pending = await listPendingApprovals(kit.agent, kit.config);
    const twice = [...pending, { ...pending[0]!, interruptId: "other" }];
    expect(() => buildResumeCommand(twice, { b: { type: "approve" } })).toThrow(
      /names 2 pending approvals/,
    );
    expect(kit.ran).toHaveLength(0);
  });

  it("runs un-flagged calls without pausing", async () => {
    const kit = pausedAgent([big("t1", "20.00")]);
    const result = await kit.start();
    expect(result.__interrupt__ ?? []).toHaveLength(0);
    expect(kit.ran).toHaveLength(1);
  });
});
