import { HumanMessage, type ToolMessage } from "@langchain/core/messages";
import { MemorySaver } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import {
  type DecisionContext,
  hitlRequestFields,
  normalizeDecision,
  toLangChainDecisions,
} from "../src/interop.js";
import { resumeApprovals } from "../src/resume.js";
import { buildPaymentsGraph, type RunLog } from "./fixtures/payments-graph.js";

const ctx: DecisionContext = {
  toolCallId: "c1",
  name: "transfer_funds",
  args: { amount: "2500.00", to: "ACME" },
  allowedDecisions: ["approve", "modify", "reject"],
};

describe("normalizeDecision", () => {
  it("accepts Safeguards' own shape", () => {
    expect(normalizeDecision({ type: "approve", reviewer: "al" }, ctx)).toEqual({
      type: "approve",
      reviewer: "al",
    });
    expect(normalizeDecision({ type: "modify", responseData: { amount: "1.00" } }, ctx)).toEqual({
      type: "modify",
      args: { amount: "1.00", to: "ACME" },
    });
    expect(normalizeDecision({ type: "reject", comments: "no" }, ctx)).toEqual({
      type: "reject",
      reason: "no",
    });
  });

  it("accepts LangChain HITLResponse decisions (bare or wrapped)", () => {
    expect(normalizeDecision({ decisions: [{ type: "approve" }] }, ctx)).toEqual({
      type: "approve",
    });
    expect(
      normalizeDecision(
        {
          type: "edit",
          editedAction: { name: "transfer_funds", args: { amount: "9.00", to: "X" } },
        },
        ctx,
      ),
    ).toEqual({ type: "modify", args: { amount: "9.00", to: "X" } });
    expect(normalizeDecision({ type: "reject", message: "too big" }, ctx)).toEqual({
      type: "reject",
      reason: "too big",
    });
  });

  it("accepts Agent Inbox HumanResponse shapes", () => {
    expect(normalizeDecision({ type: "accept", args: null }, ctx)).toEqual({ type: "approve" });
    expect(
      normalizeDecision(
        { type: "edit", args: { action: "transfer_funds", args: { amount: "3.00", to: "ACME" } } },
        ctx,
      ),
    ).toEqual({ type: "modify", args: { amount: "3.00", to: "ACME" } });
    expect(normalizeDecision({ type: "ignore", args: null }, ctx)).toMatchObject({
      type: "reject",
    });
    expect(normalizeDecision({ type: "response", args: "ask the CFO" }, ctx)).toEqual({
      type: "reject",
      reason: "ask the CFO",
    });
  });

  it("refuses renamed tools, unknown fields, disallowed types and odd shapes", () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return (error as { code?: string }).code;
      }
      return "no error";
    };
    expect(
      code(() =>
        normalizeDecision({ type: "edit", editedAction: { name: "delete_all", args: {} } }, ctx),
      ),
    ).toBe("SAFEGUARDS_INVALID_MODIFICATION");
    expect(
      code(() => normalizeDecision({ type: "modify", responseData: { currency: "EUR" } }, ctx)),
    ).toBe("SAFEGUARDS_INVALID_MODIFICATION");
    expect(code(() => normalizeDecision({ type: "modify" }, ctx))).toBe(
      "SAFEGUARDS_INVALID_MODIFICATION",
    );
    expect(
      code(() =>
        normalizeDecision({ type: "accept", args: null }, { ...ctx, allowedDecisions: ["reject"] }),
      ),
    ).toBe("SAFEGUARDS_DECISION_NOT_ALLOWED");
    expect(
      code(() => normalizeDecision({ decisions: [{ type: "approve" }, { type: "approve" }] }, ctx)),
    ).toBe("SAFEGUARDS_INVALID_ARGUMENT");
    expect(code(() => normalizeDecision({ type: "approve", args: 1 }, ctx))).toBe(
      "SAFEGUARDS_INVALID_ARGUMENT",
    );
  });

  it("accepts a timed-out approval only when the policy's onTimeout is approve", () => {
    const onlyReject: DecisionContext = { ...ctx, allowedDecisions: ["reject"] };
    expect(
      normalizeDecision(
        { type: "approve", timedOut: true },
        { ...onlyReject, onTimeout: "approve" },
      ),
    ).toEqual({
      type: "approve",
      timedOut: true,
    });
    expect(() => normalizeDecision({ type: "approve", timedOut: true }, onlyReject)).toThrow(
      expect.objectContaining({ code: "SAFEGUARDS_DECISION_NOT_ALLOWED" }),
    );
    expect(
      normalizeDecision(
        { type: "reject", timedOut: true },
        { ...ctx, allowedDecisions: ["approve"] },
      ),
    ).toEqual({
      type: "reject",
      timedOut: true,
    });
  });

  it("builds LangChain HITLRequest fields", () => {
    expect(toLangChainDecisions(["approve", "modify", "reject"])).toEqual([
      "approve",
      "edit",
      "reject",
    ]);
    expect(
      hitlRequestFields({
        name: "t",
        args: { a: 1 },
        description: "d",
        allowedDecisions: ["approve"],
      }),
    ).toEqual({
      actionRequests: [{ name: "t", args: { a: 1 }, description: "d" }],
      reviewConfigs: [{ actionName: "t", allowedDecisions: ["approve"] }],
    });
  });
});

describe("interop decisions drive the graph", () => {
  it("applies LangChain and Agent Inbox decisions end to end", async () => {
    const log: RunLog = [];
    const graph = buildPaymentsGraph({
      checkpointer: new MemorySaver(),
      log,
      calls: [
        { name: "transfer_funds", args: { amount: "2500.00", to: "ACME" }, id: "a" },
        { name: "transfer_funds", args: { amount: "3000.00", to: "ACME" }, id: "b" },
        { name: "delete_customer", args: { id: "7" }, id: "c" },
      ],
    });
    const config = { configurable: { thread_id: "i1" } };
    await graph.invoke({ messages: [new HumanMessage("go")] }, config);
    const done = (await resumeApprovals(graph, config, {
      a: {
        decisions: [
          {
            type: "edit",
            editedAction: { name: "transfer_funds", args: { amount: "20.00", to: "ACME" } },
          },
        ],
      },
      b: { type: "response", args: "split it in two" },
      c: { type: "accept", args: null },
    })) as { messages: ToolMessage[] };
    expect(log).toEqual([
      { name: "transfer_funds", args: { amount: "20.00", to: "ACME" } },
      { name: "delete_customer", args: { id: "7" } },
    ]);
    const b = done.messages.find((m) => m.getType() === "tool" && m.tool_call_id === "b")!;
    expect(b.status).toBe("error");
    expect(String(b.content)).toContain("split it in two");
  });
});
