import { AIMessage, HumanMessage, type ToolMessage } from "@langchain/core/messages";
import {
  Command,
  INTERRUPT,
  isInterrupted,
  MemorySaver,
  MessagesAnnotation,
  START,
  StateGraph,
} from "@langchain/langgraph";
import { definePolicies } from "@safeguards/core";
import { afterAll, describe, expect, it } from "vitest";
import { createApprovalNode } from "../src/create-approval-node.js";
import { listPendingApprovals, resumeApprovals, strictResumeConfig } from "../src/resume.js";
import {
  buildPaymentsGraph,
  type PlannedCall,
  paymentPolicies,
  plannedCalls,
  type RunLog,
} from "./fixtures/payments-graph.js";
import { cleanupDirs, saverKinds } from "./fixtures/savers.js";

afterAll(cleanupDirs);

const { big, del, big2 } = plannedCalls;
const small: PlannedCall = {
  name: "transfer_funds",
  args: { amount: "10.00", to: "BOB" },
  id: "c4",
};
const balance: PlannedCall = { name: "get_balance", args: { account: "A" }, id: "c5" };

function toolMessages(messages: unknown[]): ToolMessage[] {
  return (messages as ToolMessage[]).filter((m) => m.getType() === "tool");
}

describe.each(saverKinds)("approval node with $name", (kind) => {
  async function start(calls: PlannedCall[], threadId = "t1") {
    const log: RunLog = [];
    const graph = buildPaymentsGraph({ checkpointer: kind.make(), calls, log });
    const config = { configurable: { thread_id: threadId } };
    const first = await graph.invoke({ messages: [new HumanMessage("pay")] }, config);
    return { graph, config, log, first };
  }

  it("pauses a flagged call with a full payload and runs unflagged calls only after review", async () => {
    const { graph, config, log, first } = await start([big, small, balance]);
    expect(isInterrupted(first)).toBe(true);
    expect(log).toEqual([]);
    const interrupts = (first as Record<string, unknown>)[INTERRUPT] as {
      id: string;
      value: Record<string, unknown>;
    }[];
    expect(interrupts).toHaveLength(1);
    const value = interrupts[0]!.value;
    expect(value).toMatchObject({
      tool_call_id: "c1",
      name: "transfer_funds",
      args: { amount: "2500.00", to: "ACME" },
      title: "Approve $2500.00 transfer",
      allowed_decisions: ["approve", "modify", "reject"],
      timeout_seconds: 300,
      agent_id: "payments",
      actionRequests: [{ name: "transfer_funds", args: { amount: "2500.00", to: "ACME" } }],
      reviewConfigs: [
        { actionName: "transfer_funds", allowedDecisions: ["approve", "edit", "reject"] },
      ],
    });
    expect(value.args_schema).toMatchObject({ type: "object", required: ["amount", "to"] });
    const state = await graph.getState(config, { subgraphs: true });
    const task = state.tasks.find((t) => t.interrupts.length > 0)!;
    expect(task.interrupts[0]!.response_schema).toBeTruthy();

    const done = await resumeApprovals(graph, config, { c1: { type: "approve" } });
    expect(isInterrupted(done)).toBe(false);
    expect(log.map((r) => r.args)).toEqual([
      { amount: "2500.00", to: "ACME" },
      { amount: "10.00", to: "BOB" },
      { account: "A" },
    ]);
  });

  it("answers a rejected call with an error ToolMessage and runs nothing for it", async () => {
    const { graph, config, log } = await start([big]);
    const done = (await resumeApprovals(graph, config, {
      c1: { type: "reject", comments: "not today", reviewer: "alice" },
    })) as { messages: unknown[] };
    expect(log).toEqual([]);
    const tools = toolMessages(done.messages);
    expect(tools).toHaveLength(1);
    expect(tools[0]).toMatchObject({ tool_call_id: "c1", status: "error" });
    expect(String(tools[0]!.content)).toContain("not today");
    expect(String(tools[0]!.content)).toContain("alice");
  });

  it("runs a modified call with the validated new arguments and tells the model", async () => {
    const { graph, config, log } = await start([big]);
    const done = (await resumeApprovals(graph, config, {
      c1: { type: "modify", responseData: { amount: "1800.00" }, comments: "limit" },
    })) as {
      messages: { getType(): string; id?: string; content: unknown; tool_calls?: unknown[] }[];
    };
    expect(log).toEqual([{ name: "transfer_funds", args: { amount: "1800.00", to: "ACME" } }]);
    const ais = done.messages.filter((m) => m.getType() === "ai");
    expect(ais).toHaveLength(2); // the replaced call message (same id) and "done"
    expect(ais[0]!.tool_calls).toMatchObject([
      { id: "c1", args: { amount: "1800.00", to: "ACME" } },
    ]);
    expect(String(ais[0]!.content)).toContain("changed the arguments of transfer_funds");
    expect(toolMessages(done.messages)).toHaveLength(1);
  });

  it("answers a timed-out call with an error ToolMessage", async () => {
    const { graph, config, log } = await start([big]);
    const done = (await resumeApprovals(graph, config, {
      c1: { type: "timed_out" },
    })) as { messages: unknown[] };
    expect(log).toEqual([]);
    const [tool] = toolMessages(done.messages);
    expect(tool).toMatchObject({ tool_call_id: "c1", status: "error" });
    expect(String(tool!.content)).toContain("No human decided in time");
  });

  it("surfaces three flagged calls at once and applies approve, modify and reject", async () => {
    const { graph, config, log, first } = await start([big, del, big2, balance]);
    const ids = ((first as Record<string, unknown>)[INTERRUPT] as { id: string }[]).map(
      (i) => i.id,
    );
    expect(new Set(ids).size).toBe(3);
    const pending = await listPendingApprovals(graph, config);
    expect(pending.map((p) => p.toolCallId).sort()).toEqual(["c1", "c2", "c3"]);
    const done = (await resumeApprovals(graph, config, {
      c1: { type: "approve" },
      c2: { type: "reject", comments: "keep customer" },
      c3: { type: "modify", responseData: { amount: "100.00", to: "ACME" } },
    })) as { messages: unknown[] };
    expect(log).toEqual([
      { name: "transfer_funds", args: { amount: "2500.00", to: "ACME" } },
      { name: "transfer_funds", args: { amount: "100.00", to: "ACME" } },
      { name: "get_balance", args: { account: "A" } },
    ]);
    const tools = toolMessages(done.messages);
    // every tool call ends with exactly one ToolMessage
    expect(tools.map((t) => t.tool_call_id).sort()).toEqual(["c1", "c2", "c3", "c5"]);
    expect(tools.find((t) => t.tool_call_id === "c2")!.status).toBe("error");
    expect(await listPendingApprovals(graph, config)).toEqual([]);
  });

  it("refuses a modification that fails the tool's schema before saving it; the thread still waits", async () => {
    const { graph, config, log } = await start([big]);
    const pending = await listPendingApprovals(graph, config);
    await expect(
      resumeApprovals(graph, config, { c1: { type: "modify", responseData: { amount: "lots" } } }),
    ).rejects.toMatchObject({ code: "SAFEGUARDS_INVALID_MODIFICATION" });
    expect(await listPendingApprovals(graph, config)).toEqual(pending);
    await resumeApprovals(graph, config, {
      c1: { type: "modify", responseData: { amount: "5.00" } },
    });
    expect(log).toEqual([{ name: "transfer_funds", args: { amount: "5.00", to: "ACME" } }]);
  });

  it("refuses a decision type the policy does not allow", async () => {
    const { graph, config, log } = await start([del]);
    await expect(
      resumeApprovals(graph, config, { c2: { type: "modify", responseData: { id: "43" } } }),
    ).rejects.toMatchObject({ code: "SAFEGUARDS_DECISION_NOT_ALLOWED" });
    // even a hand-built keyed command is refused by the interrupt's responseSchema
    const [p] = await listPendingApprovals(graph, config);
    await expect(
      graph.invoke(
        new Command({
          resume: { [p!.interruptId]: { type: "modify", responseData: { id: "43" } } },
        }),
        strictResumeConfig(config),
      ),
    ).rejects.toThrow(/not allowed/);
    expect(log).toEqual([]);
    expect(await listPendingApprovals(graph, config)).toHaveLength(1);
  });

  it("does not interrupt when no call is flagged", async () => {
    const { first, log } = await start([small, balance]);
    expect(isInterrupted(first)).toBe(false);
    expect(log).toHaveLength(2);
  });
});

describe("approval node safety", () => {
  it("evaluates each policy once per turn, not again when the node re-runs on resume", async () => {
    const seen: string[] = [];
    const policies = definePolicies({
      transfer_funds: {
        when: ({ args }) => {
          seen.push(String(args.amount));
          return true;
        },
      },
    });
    const log: RunLog = [];
    const graph = buildPaymentsGraph({
      checkpointer: new MemorySaver(),
      calls: [big, big2],
      log,
      policies,
    });
    const config = { configurable: { thread_id: "once" } };
    await graph.invoke({ messages: [new HumanMessage("pay")] }, config);
    await resumeApprovals(graph, config, { c1: { type: "approve" } }); // c3 re-interrupts
    await resumeApprovals(graph, config, { c3: { type: "approve" } });
    expect(seen).toEqual(["2500.00", "9000.00"]);
    expect(log).toHaveLength(2);
  });

  it("asks a human (approve or reject only) when a policy throws", async () => {
    const policies = definePolicies({
      transfer_funds: {
        when: () => {
          throw new Error("rates service down");
        },
      },
    });
    const log: RunLog = [];
    const graph = buildPaymentsGraph({
      checkpointer: new MemorySaver(),
      calls: [small],
      log,
      policies,
    });
    const config = { configurable: { thread_id: "fails" } };
    await graph.invoke({ messages: [new HumanMessage("pay")] }, config);
    const [pending] = await listPendingApprovals(graph, config);
    expect(pending?.payload).toMatchObject({
      allowed_decisions: ["approve", "reject"],
      policy_error: "rates service down",
    });
    expect(log).toEqual([]);
  });

  it("refuses to pass on a flagged tool call that has no id", async () => {
    const graph = new StateGraph(MessagesAnnotation)
      .addNode("approval", createApprovalNode({ policies: paymentPolicies }))
      .addEdge(START, "approval")
      .compile({ checkpointer: new MemorySaver() });
    const ai = new AIMessage({
      content: "",
      tool_calls: [{ name: "delete_customer", args: { id: "1" } }],
    });
    expect(ai.tool_calls?.[0]?.id).toBeUndefined();
    await expect(
      graph.invoke(
        { messages: [new HumanMessage("x"), ai] },
        { configurable: { thread_id: "noid" } },
      ),
    ).rejects.toThrow(/has no id/);
  });
});
