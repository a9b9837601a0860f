import { join } from "node:path";
import { HumanMessage, type ToolMessage } from "@langchain/core/messages";
import { isInterrupted, MemorySaver } from "@langchain/langgraph";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import {
  type ApprovalDecision,
  createManualClock,
  type DecisionListener,
  definePolicies,
  InProcessApprovalChannel,
} from "@safeguards/core";
import { afterAll, describe, expect, it } from "vitest";
import { approvalRequestId, createInboxBridge } from "../src/inbox-bridge.js";
import { listPendingApprovals } from "../src/resume.js";
import { buildPaymentsGraph, plannedCalls, type RunLog } from "./fixtures/payments-graph.js";
import { cleanupDirs, saverKinds, tempDir } from "./fixtures/savers.js";

afterAll(cleanupDirs);

/** An in-process channel that delivers every decision twice (as a callback and a stream would). */
class TwiceChannel extends InProcessApprovalChannel {
  override onDecision(listener: DecisionListener): () => void {
    return super.onDecision((id: string, decision: ApprovalDecision) => {
      listener(id, decision);
      listener(id, decision);
    });
  }
}

const { big, del, big2 } = plannedCalls;

/** Records the bridge's resumes; `until` waits for a result matching `pred`. */
function resumedSignal() {
  const results: unknown[] = [];
  const waiters: { pred: (r: unknown) => boolean; resolve: () => void }[] = [];
  return {
    results,
    onResumed: (_thread: string, result: unknown) => {
      results.push(result);
      for (const w of waiters.splice(0)) {
        if (w.pred(result)) w.resolve();
        else waiters.push(w);
      }
    },
    until(pred: (r: unknown) => boolean): Promise<void> {
      if (results.some(pred)) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ pred, resolve }));
    },
    next(): Promise<void> {
      const seen = results.length;
      return new Promise((resolve) => waiters.push({ pred: () => results.length > seen, resolve }));
    },
  };
}

describe.each(saverKinds)("inbox bridge with $name", (kind) => {
  it("files each pending approval once with thread, interrupt and tool call ids", async () => {
    const log: RunLog = [];
    const graph = buildPaymentsGraph({ checkpointer: kind.make(), calls: [big, del, big2], log });
    const config = { configurable: { thread_id: "b1" } };
    await graph.invoke({ messages: [new HumanMessage("pay")] }, config);
    const channel = new InProcessApprovalChannel();
    const bridge = createInboxBridge({ graph, channel });
    const pending = await bridge.file("b1");
    await bridge.file("b1");
    expect(channel.pending()).toHaveLength(3);
    for (const p of pending) {
      const record = await channel.getRecord(approvalRequestId("b1", p.interruptId));
      expect(record?.request.metadata).toMatchObject({
        thread_id: "b1",
        interrupt_id: p.interruptId,
        tool_call_id: p.toolCallId,
      });
      expect(record?.request.action?.name).toBe(p.name);
      expect(record?.request.agentId).toBe("payments");
    }
    expect(approvalRequestId("b1", "x")).toBe(approvalRequestId("b1", "x"));
    expect(approvalRequestId("b1", "x")).not.toBe(approvalRequestId("b2", "x"));
    bridge.stop();
  });

  it("resumes with the reviewers' decisions: approve, modify, reject", async () => {
    const log: RunLog = [];
    const graph = buildPaymentsGraph({ checkpointer: kind.make(), calls: [big, del, big2], log });
    await graph.invoke(
      { messages: [new HumanMessage("pay")] },
      { configurable: { thread_id: "b2" } },
    );
    const channel = new InProcessApprovalChannel();
    const signal = resumedSignal();
    const bridge = createInboxBridge({ graph, channel, onResumed: signal.onResumed });
    await bridge.file("b2");
    const byCall = new Map(channel.pending().map((r) => [r.metadata.tool_call_id, r.id]));
    channel.approve(byCall.get("c1")!, { reviewer: "alice" });
    channel.reject(byCall.get("c2")!, { comments: "keep them" });
    channel.modify(byCall.get("c3")!, { amount: "90.00" });
    await signal.until((result) => !isInterrupted(result));
    await bridge.idle();
    expect(signal.results.length).toBeGreaterThanOrEqual(1);
    expect(signal.results.length).toBeLessThanOrEqual(3);
    expect(log).toEqual([
      { name: "transfer_funds", args: { amount: "2500.00", to: "ACME" } },
      { name: "transfer_funds", args: { amount: "90.00", to: "EVIL" } },
    ]);
    expect(await listPendingApprovals(graph, { configurable: { thread_id: "b2" } })).toEqual([]);
    bridge.stop();
  });

  it("resumes exactly once when the decision arrives twice and processing is asked again", async () => {
    const log: RunLog = [];
    const graph = buildPaymentsGraph({ checkpointer: kind.make(), calls: [big], log });
    await graph.invoke(
      { messages: [new HumanMessage("pay")] },
      { configurable: { thread_id: "b3" } },
    );
    const channel = new TwiceChannel();
    const signal = resumedSignal();
    const bridge = createInboxBridge({ graph, channel, onResumed: signal.onResumed });
    const [p] = await bridge.file("b3");
    const wait = signal.next();
    channel.approve(approvalRequestId("b3", p!.interruptId));
    await wait;
    const again = await Promise.all([bridge.process("b3"), bridge.process("b3")]);
    await bridge.idle();
    expect(again).toEqual([false, false]);
    expect(signal.results).toHaveLength(1);
    expect(log).toEqual([{ name: "transfer_funds", args: { amount: "2500.00", to: "ACME" } }]);
    bridge.stop();
  });

  it("delivers a timeout as a rejection", async () => {
    const log: RunLog = [];
    const clock = createManualClock();
    const graph = buildPaymentsGraph({ checkpointer: kind.make(), calls: [big], log });
    await graph.invoke(
      { messages: [new HumanMessage("pay")] },
      { configurable: { thread_id: "b4" } },
    );
    const channel = new InProcessApprovalChannel({ clock });
    const signal = resumedSignal();
    const bridge = createInboxBridge({ graph, channel, clock, onResumed: signal.onResumed });
    await bridge.file("b4");
    const wait = signal.next();
    clock.advance(299_000);
    expect(signal.results).toHaveLength(0);
    clock.advance(2_000);
    await wait;
    await bridge.idle();
    expect(log).toEqual([]);
    const result = signal.results[0] as { messages: ToolMessage[] };
    const tool = result.messages.find((m) => m.getType() === "tool");
    expect(tool).toMatchObject({ tool_call_id: "c1", status: "error" });
    expect(String(tool!.content)).toContain("No human decided in time");
    bridge.stop();
  });
});

describe("inbox bridge across a restart (SQLite file)", () => {
  it("a new bridge and graph find the waiting thread and its decision and resume once", async () => {
    const file = join(tempDir(), "restart.db");
    const inbox = new InProcessApprovalChannel(); // outlives the agent, as the inbox server does
    const log1: RunLog = [];
    const graph1 = buildPaymentsGraph({
      checkpointer: SqliteSaver.fromConnString(file),
      calls: [big, del],
      log: log1,
    });
    await graph1.invoke(
      { messages: [new HumanMessage("pay")] },
      { configurable: { thread_id: "rs" } },
    );
    const bridge1 = createInboxBridge({ graph: graph1, channel: inbox });
    await bridge1.file("rs");
    bridge1.stop(); // the agent goes away

    for (const request of inbox.pending()) {
      if (request.metadata.tool_call_id === "c1") inbox.approve(request.id);
      else inbox.reject(request.id, { comments: "no" });
    }

    const log2: RunLog = [];
    const checkpointer = SqliteSaver.fromConnString(file);
    const graph2 = buildPaymentsGraph({ checkpointer, calls: [], log: log2 });
    const signal = resumedSignal();
    const bridge2 = createInboxBridge({
      graph: graph2,
      channel: inbox,
      checkpointer,
      onResumed: signal.onResumed,
    });
    const wait = signal.next();
    expect(await bridge2.start()).toEqual(["rs"]);
    await wait;
    await bridge2.idle();
    expect(await bridge2.start()).toEqual([]);
    await bridge2.idle();
    expect(signal.results).toHaveLength(1);
    expect(log1).toEqual([]);
    expect(log2).toEqual([{ name: "transfer_funds", args: { amount: "2500.00", to: "ACME" } }]);
    bridge2.stop();
  });

  it("files approvals a previous agent never filed (given thread ids)", async () => {
    const checkpointer = new MemorySaver();
    const graph = buildPaymentsGraph({ checkpointer, calls: [del], log: [] });
    await graph.invoke(
      { messages: [new HumanMessage("x")] },
      { configurable: { thread_id: "n1" } },
    );
    const inbox = new InProcessApprovalChannel();
    const bridge = createInboxBridge({ graph, channel: inbox, threadIds: ["n1", "missing"] });
    expect(await bridge.start()).toEqual(["n1"]);
    expect(inbox.pending()).toHaveLength(1);
    bridge.stop();
  });
});

describe("inbox bridge fail-closed paths", () => {
  it("turns a modification the node refuses (fails the tool schema) into a rejection", async () => {
    const log: RunLog = [];
    const graph = buildPaymentsGraph({ checkpointer: new MemorySaver(), calls: [big], log });
    await graph.invoke(
      { messages: [new HumanMessage("pay")] },
      { configurable: { thread_id: "f1" } },
    );
    // The channel checks fields and the JSON Schema; the refinement is the node's to check.
    const channel = new InProcessApprovalChannel();
    const signal = resumedSignal();
    const errors: unknown[] = [];
    const bridge = createInboxBridge({
      graph,
      channel,
      onResumed: signal.onResumed,
      onError: (error) => errors.push(error),
    });
    const [p] = await bridge.file("f1");
    channel.modify(approvalRequestId("f1", p!.interruptId), { amount: "2000000.00" });
    await signal.until((r) => !isInterrupted(r));
    await bridge.idle();
    expect(log).toEqual([]);
    expect(errors).toEqual([expect.objectContaining({ code: "SAFEGUARDS_INVALID_MODIFICATION" })]);
    const result = signal.results.at(-1) as { messages: ToolMessage[] };
    const tool = result.messages.find((m) => m.getType() === "tool");
    expect(tool).toMatchObject({ tool_call_id: "c1", status: "error" });
    expect(String(tool!.content)).toContain("was refused");
    bridge.stop();
  });

  it("runs the call on timeout when the policy says onTimeout: approve", async () => {
    const log: RunLog = [];
    const clock = createManualClock();
    const policies = definePolicies({
      transfer_funds: { timeoutSeconds: 60, onTimeout: "approve", allowedDecisions: ["reject"] },
    });
    const graph = buildPaymentsGraph({
      checkpointer: new MemorySaver(),
      calls: [big],
      log,
      policies,
      clock,
    });
    await graph.invoke(
      { messages: [new HumanMessage("pay")] },
      { configurable: { thread_id: "f2" } },
    );
    const channel = new InProcessApprovalChannel({ clock });
    const signal = resumedSignal();
    const bridge = createInboxBridge({ graph, channel, clock, onResumed: signal.onResumed });
    await bridge.file("f2");
    clock.advance(61_000);
    await signal.until((r) => !isInterrupted(r));
    await bridge.idle();
    expect(log).toEqual([{ name: "transfer_funds", args: { amount: "2500.00", to: "ACME" } }]);
    bridge.stop();
  });
});
