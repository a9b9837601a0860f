import { loopTurnsWhile } from "@safeguards/test-support/event-loop";
import { describe, expect, it } from "vitest";
import { definePolicies, ErrorCode, hashArgs, type PolicyVerdict } from "../src/index.js";
import {
  buildApprovalPayload,
  type CallUnderReview,
  callUnderReview,
  checkDecision,
  checkResume,
  decisionJsonSchema,
  isApprovalPayload,
  normalizeDecision,
  reviewOutcome,
} from "../src/interrupts/index.js";
import { HOSTILE_SCHEMAS } from "../src/testing/index.js";

const call: CallUnderReview = {
  toolCallId: "c1",
  name: "transfer_funds",
  args: { amount: "2500.00", to: "ACME" },
  allowedDecisions: ["approve", "modify", "reject"],
  onTimeout: "reject",
};

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return "no error";
};

async function verdict(extra: Record<string, unknown> = {}) {
  const policies = definePolicies({ transfer_funds: { timeoutSeconds: 60, ...extra } });
  return (await policies.evaluate({ toolName: "transfer_funds", args: call.args })) as Extract<
    PolicyVerdict,
    { required: true }
  >;
}

describe("normalizeDecision: one meaning per decision, whatever the UI sends", () => {
  it("Safeguards' own shape: modify carries only the changed fields", () => {
    expect(normalizeDecision({ type: "approve", reviewer: "al", comments: "ok" }, call)).toEqual({
      type: "approve",
      reviewer: "al",
      comments: "ok",
    });
    expect(normalizeDecision({ type: "modify", responseData: { amount: "1.00" } }, call)).toEqual({
      type: "modify",
      args: { amount: "1.00", to: "ACME" },
      changes: { amount: "1.00" },
    });
    expect(normalizeDecision({ type: "reject", comments: "no" }, call)).toEqual({
      type: "reject",
      reason: "no",
    });
  });

  it("LangChain HITLResponse: edit carries the full new arguments; bare or wrapped in { decisions }", () => {
    expect(normalizeDecision({ decisions: [{ type: "approve" }] }, call)).toEqual({
      type: "approve",
    });
    expect(
      normalizeDecision(
        {
          type: "edit",
          editedAction: { name: "transfer_funds", args: { amount: "9.00", to: "X" } },
        },
        call,
      ),
    ).toEqual({
      type: "modify",
      args: { amount: "9.00", to: "X" },
      changes: { amount: "9.00", to: "X" },
    });
    // a field left out of an edit is gone: edit replaces, it does not merge
    expect(
      normalizeDecision(
        { type: "edit", editedAction: { name: "transfer_funds", args: { amount: "9.00" } } },
        call,
      ),
    ).toMatchObject({ args: { amount: "9.00" } });
    expect(normalizeDecision({ type: "reject", message: "too big" }, call)).toEqual({
      type: "reject",
      reason: "too big",
    });
  });

  it("Agent Inbox / Agent Chat UI HumanResponse, as an object or a one-element array", () => {
    expect(normalizeDecision({ type: "accept", args: null }, call)).toEqual({ type: "approve" });
    expect(normalizeDecision([{ type: "accept", args: null }], call)).toEqual({ type: "approve" });
    expect(
      normalizeDecision(
        [
          {
            type: "edit",
            args: { action: "transfer_funds", args: { amount: "3.00", to: "ACME" } },
          },
        ],
        call,
      ),
    ).toEqual({
      type: "modify",
      args: { amount: "3.00", to: "ACME" },
      changes: { amount: "3.00" },
    });
    expect(normalizeDecision({ type: "ignore", args: null }, call)).toMatchObject({
      type: "reject",
    });
    expect(normalizeDecision({ type: "response", args: "ask the CFO" }, call)).toEqual({
      type: "reject",
      reason: "ask the CFO",
    });
  });

  it("refuses renamed tools, unknown fields, empty changes, disallowed types, other args and odd shapes", () => {
    const rename = { type: "edit", editedAction: { name: "delete_all", args: {} } };
    expect(codeOf(() => normalizeDecision(rename, call))).toBe(ErrorCode.INVALID_MODIFICATION);
    expect(
      codeOf(() => normalizeDecision({ type: "modify", responseData: { currency: "EUR" } }, call)),
    ).toBe(ErrorCode.INVALID_MODIFICATION);
    expect(codeOf(() => normalizeDecision({ type: "modify" }, call))).toBe(
      ErrorCode.INVALID_MODIFICATION,
    );
    expect(codeOf(() => normalizeDecision({ type: "modify", responseData: {} }, call))).toBe(
      ErrorCode.INVALID_MODIFICATION,
    );
    expect(codeOf(() => normalizeDecision({ type: "edit", args: null }, call))).toBe(
      ErrorCode.INVALID_MODIFICATION,
    );
    const onlyReject = { ...call, allowedDecisions: ["reject" as const] };
    expect(codeOf(() => normalizeDecision({ type: "accept", args: null }, onlyReject))).toBe(
      ErrorCode.DECISION_NOT_ALLOWED,
    );
    expect(
      codeOf(() =>
        normalizeDecision({ type: "approve", argsHash: hashArgs({ amount: "1" }) }, call),
      ),
    ).toBe(ErrorCode.ARGS_MISMATCH);
    expect(normalizeDecision({ type: "approve", argsHash: hashArgs(call.args) }, call)).toEqual({
      type: "approve",
    });
    for (const odd of [
      { decisions: [{ type: "approve" }, { type: "approve" }] },
      [{ type: "accept" }, { type: "accept" }],
      { type: "approve", args: 1 },
      { type: "maybe" },
      "yes",
      null,
      { type: "approve", comments: "x".repeat(10_001) },
    ]) {
      expect(
        codeOf(() => normalizeDecision(odd, call)),
        JSON.stringify(odd)?.slice(0, 80),
      ).toBe(ErrorCode.INVALID_ARGUMENT);
    }
  });

  it("checks edited arguments with the tool's own check and, asynchronously, its JSON Schema", async () => {
    const strict = {
      ...call,
      validateArgs: (args: Record<string, unknown>) =>
        String(args.to).startsWith("EVIL") ? "to: payee is blocked" : undefined,
      argsSchema: {
        type: "object",
        properties: {
          amount: { type: "string", pattern: "^\\d+\\.\\d{2}$" },
          to: { type: "string" },
        },
      },
    };
    expect(
      codeOf(() => normalizeDecision({ type: "modify", responseData: { to: "EVIL" } }, strict)),
    ).toBe(ErrorCode.INVALID_MODIFICATION);
    await expect(
      checkDecision({ type: "modify", responseData: { amount: "lots" } }, strict),
    ).rejects.toMatchObject({
      code: ErrorCode.INVALID_MODIFICATION,
      message: expect.stringMatching(/amount/),
    });
    await expect(
      checkDecision({ type: "modify", responseData: { amount: "12.00" } }, strict),
    ).resolves.toMatchObject({ type: "modify", args: { amount: "12.00", to: "ACME" } });
  });

  it("refuses an edit against a hostile argsSchema within the bound, event loop free", async () => {
    const [attack] = HOSTILE_SCHEMAS; // format url on a backtracking input
    if (!attack?.benign) throw new Error("fixture changed");
    const hostileCall = { ...call, args: attack.benign, argsSchema: attack.schema };
    // Refused by the worker's deadline: a blocked event loop would run no turn first.
    const { turns, outcome } = await loopTurnsWhile(() =>
      checkDecision({ type: "modify", responseData: attack.hostile }, hostileCall),
    );
    expect(outcome.status).toBe("rejected");
    expect((outcome as PromiseRejectedResult).reason).toMatchObject({
      code: ErrorCode.INVALID_MODIFICATION,
      message: expect.stringMatching(/args_schema cannot be used: checking took longer/),
    });
    expect(turns).toBeGreaterThan(0);
  });

  it("a timeout runs the call only when the policy says so and its deadline has passed", () => {
    const deadline = new Date("2026-01-01T00:01:00Z");
    const runs = {
      ...call,
      allowedDecisions: ["reject" as const],
      onTimeout: "approve" as const,
      deadline,
    };
    const early = new Date("2026-01-01T00:00:30Z");
    const late = new Date("2026-01-01T00:01:00Z");
    expect(codeOf(() => normalizeDecision({ type: "timed_out" }, runs, early))).toBe(
      ErrorCode.DECISION_NOT_ALLOWED,
    );
    const due = normalizeDecision({ type: "timed_out" }, runs, late);
    expect(reviewOutcome(due, runs, late)).toMatchObject({ decision: "approved", args: call.args });
    // onTimeout "reject": a timeout never runs it, early or late
    const rejects = { ...runs, onTimeout: "reject" as const };
    expect(
      reviewOutcome(normalizeDecision({ type: "timed_out" }, rejects, early), rejects, early),
    ).toMatchObject({
      decision: "timed_out",
      reason: expect.stringMatching(/No human decided in time/),
    });
    // no known deadline: fail closed
    const unknown = { ...runs, deadline: undefined };
    expect(
      reviewOutcome(normalizeDecision({ type: "timed_out" }, unknown, late), unknown, late)
        .decision,
    ).toBe("timed_out");
  });
});

describe("buildApprovalPayload", () => {
  it("carries the call, its hash and schema, and the LangChain and Agent Inbox fields", async () => {
    const payload = buildApprovalPayload({
      toolCallId: "c1",
      toolName: "transfer_funds",
      args: call.args,
      verdict: await verdict({ allowedDecisions: ["approve", "reject"] }),
      agentId: "bank",
      argsSchema: { type: "object" },
      requestedAt: new Date("2026-01-01T00:00:00Z"),
    });
    expect(isApprovalPayload(payload)).toBe(true);
    expect(isApprovalPayload({ ...payload, kind: "other" })).toBe(false);
    expect(payload).toMatchObject({
      kind: "safeguards.approval",
      tool_call_id: "c1",
      args_hash: hashArgs(call.args),
      args_schema: { type: "object" },
      agent_id: "bank",
      timeout_seconds: 60,
      requested_at: "2026-01-01T00:00:00.000Z",
      actionRequests: [{ name: "transfer_funds", args: call.args }],
      reviewConfigs: [{ actionName: "transfer_funds", allowedDecisions: ["approve", "reject"] }],
      action_request: { action: "transfer_funds", args: call.args },
      config: { allow_accept: true, allow_edit: false, allow_ignore: true, allow_respond: true },
      metadata: { tool_call_id: "c1" },
    });
    expect(payload.response_schema).toEqual(decisionJsonSchema());
    expect(JSON.parse(JSON.stringify(payload))).toEqual(payload);
    expect(callUnderReview(payload).deadline).toEqual(new Date("2026-01-01T00:01:00Z"));
  });
});

describe("checkResume: the resume rules", () => {
  const payload = async (id: string, amount: string) =>
    buildApprovalPayload({
      toolCallId: id,
      toolName: "transfer_funds",
      args: { amount, to: "ACME" },
      verdict: await verdict(),
      agentId: "bank",
      argsSchema: {
        type: "object",
        properties: { amount: { type: "string", pattern: "^\\d+\\.\\d{2}$" } },
      },
      requestedAt: new Date(),
    });
  const twoPending = async () => [
    { interruptId: "i-small", value: await payload("small", "2500.00") },
    { interruptId: "i-big", value: await payload("big", "90000.00") },
  ];

  it("refuses an un-keyed value while two are pending, naming both and the keyed form", async () => {
    const error = await checkResume(await twoPending(), {
      keyed: false,
      value: { type: "accept", args: null },
    }).catch((e) => e);
    expect(error.code).toBe(ErrorCode.CONFLICT);
    for (const text of ["i-small", "i-big", "small", "big", '"i-small":{"type":"approve"}']) {
      expect(error.message).toContain(text);
    }
    expect(error.details.pending).toHaveLength(2);
  });

  it("an un-keyed value answers the one pending approval", async () => {
    const [one] = await twoPending();
    const decisions = await checkResume([one!], {
      keyed: false,
      value: [{ type: "accept", args: null }],
    });
    expect(decisions.get("i-small")).toEqual({ type: "approve" });
  });

  it("refuses unknown ids and empty maps; answers exactly the ids named", async () => {
    const pending = await twoPending();
    await expect(
      checkResume(pending, { keyed: true, values: { nope: { type: "approve" } } }),
    ).rejects.toMatchObject({
      code: ErrorCode.NOT_FOUND,
      details: { unknown: ["nope"] },
    });
    await expect(checkResume(pending, { keyed: true, values: {} })).rejects.toMatchObject({
      code: ErrorCode.INVALID_ARGUMENT,
    });
    const decisions = await checkResume(pending, {
      keyed: true,
      values: { "i-big": { type: "reject" } },
    });
    expect([...decisions.keys()]).toEqual(["i-big"]);
  });

  it("one invalid decision refuses the whole resume, with every problem listed", async () => {
    const pending = await twoPending();
    const error = await checkResume(pending, {
      keyed: true,
      values: {
        "i-small": {
          type: "edit",
          editedAction: { name: "transfer_funds", args: { amount: "lots", to: "ACME" } },
        },
        "i-big": { type: "approve" },
      },
    }).catch((e) => e);
    expect(error.code).toBe(ErrorCode.INVALID_MODIFICATION);
    expect(error.message).toMatch(/amount/);
    expect(error.details.problems).toEqual([
      expect.objectContaining({ interruptId: "i-small", toolCallId: "small" }),
    ]);
  });

  it("leaves interrupts that are not approvals alone", async () => {
    const pending = [
      ...(await twoPending()),
      { interruptId: "other", value: { question: "name?" } },
    ];
    const decisions = await checkResume(pending, {
      keyed: true,
      values: { other: "Ada", "i-small": { type: "approve" } },
    });
    expect([...decisions.keys()]).toEqual(["i-small"]);
  });
});
