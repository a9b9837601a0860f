import { hashArgs } from "@safeguards/core";
import { describe, expect, it } from "vitest";
import {
  decisionProblem,
  decisionSchema,
  normalizeDecision,
  responseSchemaFor,
} from "../src/index.js";

const call = {
  toolName: "transfer_funds",
  args: { amount: "2500.00", to: "ACME" },
  allowedDecisions: ["approve", "modify", "reject"] as const,
  validateArgs: (args: Record<string, unknown>) =>
    typeof args.amount === "string" ? undefined : "amount must be a string",
};

describe("decisions", () => {
  it("normalises core and LangChain HITLResponse shapes to the core's names", () => {
    expect(normalizeDecision({ type: "approve" })).toEqual({ type: "approve" });
    expect(
      normalizeDecision({
        type: "modify",
        responseData: { amount: "1.00" },
        comments: "c",
        reviewer: "r",
      }),
    ).toEqual({ type: "modify", responseData: { amount: "1.00" }, comments: "c", reviewer: "r" });
    expect(
      normalizeDecision({
        type: "edit",
        editedAction: { name: "transfer_funds", args: { amount: "1.00" } },
      }),
    ).toEqual({ type: "modify", responseData: { amount: "1.00" }, toolName: "transfer_funds" });
    expect(normalizeDecision({ type: "reject", message: "no" })).toEqual({
      type: "reject",
      comments: "no",
    });
    expect(normalizeDecision({ decisions: [{ type: "reject" }] })).toEqual({ type: "reject" });
  });

  it("refuses malformed shapes", () => {
    for (const bad of [
      null,
      "approve",
      { type: "accept" },
      { type: "approve", extra: 1 },
      { type: "edit", editedAction: { args: {} } },
      { decisions: [] },
      { decisions: [{ type: "approve" }, { type: "reject" }] },
    ]) {
      expect(decisionSchema.safeParse(bad).success).toBe(false);
    }
  });

  it("finds what makes a decision inapplicable to the call", () => {
    const problem = (d: unknown) =>
      decisionProblem(normalizeDecision(d), {
        ...call,
        allowedDecisions: [...call.allowedDecisions],
      });
    expect(problem({ type: "approve" })).toBeUndefined();
    expect(problem({ type: "approve", argsHash: hashArgs(call.args) })).toBeUndefined();
    expect(problem({ type: "approve", argsHash: "sha256:00" })).toMatch(/different arguments/);
    expect(problem({ type: "modify", responseData: {} })).toMatch(/at least one field/);
    expect(problem({ type: "modify", responseData: { memo: "x" } })).toMatch(/unknown: memo/);
    expect(problem({ type: "modify", responseData: { amount: 5 } })).toMatch(/must be a string/);
    expect(
      problem({ type: "edit", editedAction: { name: "other", args: { amount: "1.00" } } }),
    ).toMatch(/may not change the tool/);
    expect(
      decisionProblem(
        { type: "modify", responseData: { amount: "1.00" } },
        { ...call, allowedDecisions: ["approve"] },
      ),
    ).toMatch(/not allowed/);
    expect(
      decisionProblem({ type: "timed_out" }, { ...call, allowedDecisions: ["approve"] }),
    ).toBeUndefined();
  });

  it("responseSchemaFor refuses what decisionProblem refuses", () => {
    const schema = responseSchemaFor({ ...call, allowedDecisions: ["approve", "reject"] });
    expect(schema.safeParse({ type: "approve" }).success).toBe(true);
    expect(schema.safeParse({ type: "reject", message: "x" }).success).toBe(true);
    expect(schema.safeParse({ type: "modify", responseData: { amount: "1.00" } }).success).toBe(
      false,
    );
  });
});
