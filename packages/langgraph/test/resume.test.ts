import { HumanMessage } from "@langchain/core/messages";
import { Command } from "@langchain/langgraph";
import { buildApprovalPayload } from "@safeguards/core/interrupts";
import { afterAll, describe, expect, it } from "vitest";
import {
  buildResumeCommand,
  listPendingApprovals,
  type PendingApproval,
  resumeApprovals,
  strictResumeConfig,
} from "../src/resume.js";
import { buildPaymentsGraph, type PlannedCall, type RunLog } from "./fixtures/payments-graph.js";
import { cleanupDirs, saverKinds } from "./fixtures/savers.js";

afterAll(cleanupDirs);

const calls: PlannedCall[] = [
  { name: "transfer_funds", args: { amount: "2500.00", to: "ACME" }, id: "c1" },
  { name: "delete_customer", args: { id: "42" }, id: "c2" },
];

describe.each(saverKinds)("resume helpers with $name", (kind) => {
  async function start() {
    const log: RunLog = [];
    const graph = buildPaymentsGraph({ checkpointer: kind.make(), calls, log });
    const config = { configurable: { thread_id: "r1" } };
    await graph.invoke({ messages: [new HumanMessage("pay")] }, config);
    return { graph, config, log };
  }

  it("refuses an un-keyed resume while two approvals wait, without harming the thread", async () => {
    const { graph, config, log } = await start();
    const before = await listPendingApprovals(graph, config);
    await expect(
      graph.invoke(new Command({ resume: { type: "approve" } }), strictResumeConfig(config)),
    ).rejects.toThrow(/specify the interrupt id/);
    expect(log).toEqual([]);
    expect(await listPendingApprovals(graph, config)).toEqual(before);
    // the refused value was not saved: answering only c2 does not approve c1
    await resumeApprovals(graph, config, { c2: { type: "approve" } });
    expect(log).toEqual([]);
    const left = await listPendingApprovals(graph, config);
    expect(left.map((p) => p.toolCallId)).toEqual(["c1"]);
    await resumeApprovals(graph, config, { c1: { type: "reject" } });
    expect(log).toEqual([{ name: "delete_customer", args: { id: "42" } }]);
  });

  it("refuses malformed decisions before anything is saved", async () => {
    const { graph, config, log } = await start();
    const before = await listPendingApprovals(graph, config);
    for (const bad of ["approve", { type: "yes" }, { type: "approve", extra: 1 }, null]) {
      await expect(resumeApprovals(graph, config, { c1: bad })).rejects.toMatchObject({
        code: "SAFEGUARDS_INVALID_ARGUMENT",
      });
    }
    // a hand-built keyed command with a malformed value is refused by the responseSchema
    const id = before.find((p) => p.toolCallId === "c1")!.interruptId;
    await expect(
      graph.invoke(new Command({ resume: { [id]: { type: "yes" } } }), strictResumeConfig(config)),
    ).rejects.toThrow();
    expect(await listPendingApprovals(graph, config)).toEqual(before);
    await resumeApprovals(graph, config, { c1: { type: "approve" }, c2: { type: "approve" } });
    expect(log).toHaveLength(2);
  });

  it("refuses unknown and already answered tool calls", async () => {
    const { graph, config } = await start();
    await expect(
      resumeApprovals(graph, config, { nope: { type: "approve" } }),
    ).rejects.toMatchObject({
      code: "SAFEGUARDS_NOT_FOUND",
    });
    await resumeApprovals(graph, config, { c1: { type: "approve" } });
    await expect(resumeApprovals(graph, config, { c1: { type: "approve" } })).rejects.toMatchObject(
      {
        code: "SAFEGUARDS_NOT_FOUND",
      },
    );
    await expect(resumeApprovals(graph, config, {})).rejects.toMatchObject({
      code: "SAFEGUARDS_INVALID_ARGUMENT",
    });
  });

  it("refuses a stale keyed command (interrupt answered meanwhile) in strict mode", async () => {
    const { graph, config, log } = await start();
    const pending = await listPendingApprovals(graph, config);
    const stale = buildResumeCommand(pending, { c1: { type: "approve" } });
    await resumeApprovals(graph, config, { c1: { type: "reject" } });
    await expect(graph.invoke(stale, strictResumeConfig(config))).rejects.toThrow(
      /already-consumed|Unknown/,
    );
    expect(log).toEqual([]);
  });
});

describe("buildResumeCommand", () => {
  const payload = (id: string) =>
    buildApprovalPayload({
      toolCallId: id,
      toolName: "t",
      args: { a: 1 },
      verdict: {
        required: true,
        title: "x",
        description: "x",
        severity: "WARNING",
        allowedDecisions: ["approve", "reject"],
        onTimeout: "reject",
        alerts: [],
      },
      agentId: "a",
      requestedAt: new Date("2026-01-01T00:00:00.000Z"),
    });
  const pending: PendingApproval[] = [
    { interruptId: "i1", toolCallId: "dup", name: "t", payload: payload("dup") },
    { interruptId: "i2", toolCallId: "dup", name: "t", payload: payload("dup") },
    { interruptId: "i3", toolCallId: "one", name: "t", payload: payload("one") },
  ];

  it("keys the resume by interrupt id", () => {
    const command = buildResumeCommand(pending, { one: { type: "approve" } });
    expect(command.resume).toEqual({ i3: { type: "approve" } });
  });

  it("refuses an ambiguous tool call id but accepts interrupt ids", () => {
    expect(() => buildResumeCommand(pending, { dup: { type: "approve" } })).toThrow(
      expect.objectContaining({ code: "SAFEGUARDS_CONFLICT" }),
    );
    const command = buildResumeCommand(pending, {
      i1: { type: "approve" },
      i2: { type: "reject" },
    });
    expect(command.resume).toEqual({ i1: { type: "approve" }, i2: { type: "reject" } });
  });

  it("refuses a decision the payload does not allow", () => {
    expect(() =>
      buildResumeCommand(pending, { one: { type: "modify", responseData: { a: 2 } } }),
    ).toThrow(expect.objectContaining({ code: "SAFEGUARDS_DECISION_NOT_ALLOWED" }));
  });
});
