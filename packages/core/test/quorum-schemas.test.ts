import { describe, expect, it } from "vitest";
import { protocol } from "../src/index.js";

const base = {
  id: "act_1",
  title: "Pay",
  description: "",
  severity: "WARNING",
  agent_id: "bot",
  created_at: "2026-01-01T00:00:00Z",
  expires_at: "2026-01-01T00:30:00Z",
};
const parse = (extra: Record<string, unknown>) =>
  protocol.approvalRequestBodySchema.safeParse({ ...base, ...extra });
const firstIssue = (extra: Record<string, unknown>) => {
  const result = parse(extra);
  if (result.success) throw new Error(`accepted ${JSON.stringify(extra)}`);
  return result.error.issues[0];
};

describe("request fields assignees, required_approvals, escalation", () => {
  it("accepts the documented example and stays optional", () => {
    expect(parse({}).success).toBe(true);
    const result = parse({
      assignees: ["group:finance", "alice", "Jane Doe"],
      required_approvals: 2,
      escalation: [
        { after_seconds: 600, assignees: ["group:cfo"] },
        { after_seconds: 1200, assignees: ["ceo"] },
      ],
    });
    expect(result.success).toBe(true);
  });

  it.each([
    ["empty list", []],
    ["empty name", [""]],
    ["colon in a name", ["al:ice"]],
    ["unknown prefix", ["team:finance"]],
    ["empty group", ["group:"]],
    ["group with a space", ["group:fin ance"]],
    ["group starting with a dot", ["group:.."]],
    ["NUL in a name", ["alice\u0000"]],
    ["bidi override in a name", ["alice\u202e"]],
    ["zero-width space in a name", ["ali\u200bce"]],
    ["leading space", [" alice"]],
    ["double space", ["a  b"]],
    ["newline", ["a\nb"]],
    ["too long a name", ["a".repeat(101)]],
    ["too long a group", [`group:${"a".repeat(65)}`]],
    ["duplicates", ["alice", "alice"]],
    ["too many", Array.from({ length: 51 }, (_, i) => `r${i}`)],
    ["not strings", [1]],
    ["not a list", "group:finance"],
    ["null", null],
  ])("refuses assignees with %s", (_what, assignees) => {
    const issue = firstIssue({ assignees });
    expect(issue?.path[0]).toBe("assignees");
  });

  it.each([0, -1, 1.5, 21, "2", null, Number.NaN, Number.POSITIVE_INFINITY])(
    "refuses required_approvals %s",
    (required_approvals) => {
      expect(firstIssue({ required_approvals })?.path[0]).toBe("required_approvals");
    },
  );

  it.each([
    ["no steps", []],
    ["zero seconds", [{ after_seconds: 0, assignees: ["a"] }]],
    ["fractional seconds", [{ after_seconds: 1.5, assignees: ["a"] }]],
    ["string seconds", [{ after_seconds: "60", assignees: ["a"] }]],
    ["more than a year", [{ after_seconds: 366 * 86400 + 1, assignees: ["a"] }]],
    ["no assignees", [{ after_seconds: 60 }]],
    ["empty assignees", [{ after_seconds: 60, assignees: [] }]],
    ["a bad assignee", [{ after_seconds: 60, assignees: ["group:"] }]],
    ["an unknown key", [{ after_seconds: 60, assignees: ["a"], notify: true }]],
    [
      "equal times",
      [
        { after_seconds: 60, assignees: ["a"] },
        { after_seconds: 60, assignees: ["b"] },
      ],
    ],
    [
      "decreasing times",
      [
        { after_seconds: 120, assignees: ["a"] },
        { after_seconds: 60, assignees: ["b"] },
      ],
    ],
    [
      "too many steps",
      Array.from({ length: 11 }, (_, i) => ({ after_seconds: i + 1, assignees: ["a"] })),
    ],
    ["a step at expires_at", [{ after_seconds: 1800, assignees: ["a"] }]],
    ["a step after expires_at", [{ after_seconds: 3600, assignees: ["a"] }]],
  ])("refuses escalation with %s", (_what, escalation) => {
    expect(firstIssue({ escalation })?.path[0]).toBe("escalation");
  });

  it("checks step times against expires_at only when created_at is sent (the inbox checks the rest)", () => {
    const { created_at: _, ...noCreatedAt } = base;
    const result = protocol.approvalRequestBodySchema.safeParse({
      ...noCreatedAt,
      escalation: [{ after_seconds: 3600, assignees: ["a"] }],
    });
    expect(result.success).toBe(true);
    expect(
      protocol.escalationTimingIssue([{ after_seconds: 3600, assignees: ["a"] }], 0, 3_600_000),
    ).toMatchObject({ index: 0 });
    expect(
      protocol.escalationTimingIssue([{ after_seconds: 3599, assignees: ["a"] }], 0, 3_600_000),
    ).toBeUndefined();
  });

  it("maps already_approved to 409 and its own error code", () => {
    expect(protocol.WIRE_ERROR_STATUS.already_approved).toBe(409);
    expect(protocol.errorCodeOfAnswer("already_approved", 409)).toBe("SAFEGUARDS_ALREADY_APPROVED");
  });
});

describe("conversions", () => {
  it("round-trips the request fields and decision approvals", () => {
    const body = protocol.toRequestBody({
      id: "a",
      title: "t",
      description: "",
      severity: "INFO",
      agentId: "bot",
      metadata: {},
      allowedDecisions: ["approve"],
      createdAt: new Date(0),
      expiresAt: new Date(3_600_000),
      assignees: ["group:finance"],
      requiredApprovals: 2,
      escalation: [{ afterSeconds: 600, assignees: ["group:cfo"] }],
    });
    expect(body).toMatchObject({
      assignees: ["group:finance"],
      required_approvals: 2,
      escalation: [{ after_seconds: 600, assignees: ["group:cfo"] }],
    });
    expect(protocol.approvalRequestBodySchema.safeParse(body).success).toBe(true);
    const decision = protocol.fromWireDecision({
      type: "approve",
      decided_at: "2026-01-01T00:00:00.000Z",
      reviewer: "bob",
      approvals: [
        { reviewer: "alice", decided_at: "2026-01-01T00:00:00.000Z", comments: "ok" },
        { reviewer: "bob", decided_at: "2026-01-01T00:00:00.000Z", comments: null },
      ],
    });
    expect(decision.approvals?.map((a) => a.reviewer)).toEqual(["alice", "bob"]);
    expect(protocol.toWireDecision(decision).approvals?.[0]).toEqual({
      reviewer: "alice",
      decided_at: "2026-01-01T00:00:00.000Z",
      comments: "ok",
    });
  });
});
