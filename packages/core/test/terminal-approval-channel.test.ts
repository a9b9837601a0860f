import { PassThrough } from "node:stream";
import {
  ActionStatus,
  type ApprovalDecision,
  type ApprovalRequest,
  createManualClock,
  HumanActionHandler,
  type ManualClock,
  TerminalApprovalChannel,
} from "@safeguards/core";
import { describe, expect, it } from "vitest";
import { parseFieldValue } from "../src/channels/terminal-prompt.js";

const PROMPT = "[a]pprove / [r]eject / [m]odify? ";

function setup(clock: ManualClock = createManualClock()) {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = "";
  output.on("data", (chunk: Buffer) => {
    text += chunk.toString("utf8");
  });
  const channel = new TerminalApprovalChannel({ input, output, clock, reviewer: "alice" });
  const handler = new HumanActionHandler(channel, { clock, onError: () => {} });
  /** Waits until the output holds `needle` `times` times (event-loop turns, no sleeps). */
  async function until(needle: string, times = 1): Promise<void> {
    for (let i = 0; i < 2000; i++) {
      if (text.split(needle).length - 1 >= times) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error(`Timed out waiting for ${JSON.stringify(needle)} in:\n${text}`);
  }
  const type = (...lines: string[]) => input.write(lines.map((l) => `${l}\n`).join(""));
  return { input, channel, handler, clock, until, type, output: () => text };
}

const transfer = {
  title: "Approve High-Value Transaction",
  description: "Transaction of $2500.00 requires approval",
  agentId: "financial_advisor",
  action: { name: "transfer_funds", args: { amount: 2500, currency: "USD", urgent: false } },
};

describe("TerminalApprovalChannel", () => {
  it("shows the request exactly and records an approval by the configured reviewer", async () => {
    const t = setup();
    const action = await t.handler.requestAction({ ...transfer, timeoutSeconds: 300 });
    await t.until(PROMPT);
    const out = t.output();
    expect(out).toContain("Title:       Approve High-Value Transaction");
    expect(out).toContain("Severity:    WARNING");
    expect(out).toContain("Agent:       financial_advisor");
    expect(out).toContain("Description: Transaction of $2500.00 requires approval");
    expect(out).toContain("Action:      transfer_funds");
    expect(out).toContain('"amount": 2500,');
    expect(out).toContain('"currency": "USD",');
    expect(out).toContain("Time left:   5m 00s");
    t.type("a");
    expect(await t.handler.waitForAction(action)).toBe(ActionStatus.APPROVED);
    expect(action.reviewer).toBe("alice");
    expect(action.approvedValues).toEqual(transfer.action.args);
    await t.until("Recorded: approved by alice.");
  });

  it("asks for a reason on reject and passes it on as comments", async () => {
    const t = setup();
    const action = await t.handler.requestAction(transfer);
    await t.until(PROMPT);
    t.type("x", "r", "", "too risky for this account");
    expect(await t.handler.waitForAction(action)).toBe(ActionStatus.REJECTED);
    expect(action.comments).toBe("too risky for this account");
    expect(t.output()).toContain("Please answer a, r, m.");
    expect(t.output()).toContain("A reason is required.");
  });

  it("modifies field by field, re-asks a bad value, keeps types and confirms a summary", async () => {
    const t = setup();
    const action = await t.handler.requestAction(transfer);
    await t.until(PROMPT);
    t.type("m", "abc", "1800", "", "maybe", "true", "y");
    expect(await t.handler.waitForAction(action)).toBe(ActionStatus.MODIFIED);
    expect(action.responseData).toEqual({ amount: 1800, urgent: true });
    expect(action.approvedValues).toEqual({ amount: 1800, currency: "USD", urgent: true });
    const out = t.output();
    expect(out).toContain("Invalid value for amount: must be a number");
    expect(out).toContain("Invalid value for urgent: must be true or false");
    expect(out).toContain("amount: 2500 -> 1800");
    expect(out).toContain("urgent: false -> true");
    expect(out).not.toContain("currency: ");
  });

  it("starts over when a modification is not confirmed", async () => {
    const t = setup();
    const action = await t.handler.requestAction(transfer);
    await t.until(PROMPT);
    t.type("m", "10", "", "", "n");
    await t.until(PROMPT, 2);
    expect(action.status).toBe(ActionStatus.PENDING);
    t.type("a");
    expect(await t.handler.waitForAction(action)).toBe(ActionStatus.APPROVED);
  });

  it("asks queued requests one at a time, in order", async () => {
    const t = setup();
    const first = await t.handler.requestAction({ ...transfer, title: "First" });
    const second = await t.handler.requestAction({ ...transfer, title: "Second" });
    await t.until(PROMPT);
    expect(t.output()).toContain("Title:       First");
    expect(t.output()).not.toContain("Title:       Second");
    t.type("a");
    await t.until("Title:       Second");
    await t.until(PROMPT, 2);
    expect(second.status).toBe(ActionStatus.PENDING);
    t.type("r", "no");
    expect(await t.handler.waitForAction(first)).toBe(ActionStatus.APPROVED);
    expect(await t.handler.waitForAction(second)).toBe(ActionStatus.REJECTED);
  });

  it("refuses an answer given after the deadline and tells the person", async () => {
    const clock = createManualClock();
    const t = setup(clock);
    const seen: ApprovalDecision[] = [];
    t.channel.onDecision((_id, decision) => seen.push(decision));
    const request: ApprovalRequest = {
      id: "act_late",
      title: "Late",
      description: "",
      severity: "WARNING",
      agentId: "a",
      metadata: { amount: "2500.00" },
      allowedDecisions: ["approve", "modify", "reject"],
      createdAt: new Date(clock.now()),
      expiresAt: new Date(clock.now() + 60_000),
    };
    await t.channel.submitRequest(request);
    await t.until(PROMPT);
    clock.advance(60_000);
    t.type("a");
    await t.until("Too late:");
    expect(t.output()).toContain("act_late has expired; the decision was refused.");
    const record = await t.channel.getRecord("act_late");
    expect(record?.decision?.status).toBe(ActionStatus.TIMED_OUT);
    expect(seen.map((d) => d.status)).toEqual([ActionStatus.TIMED_OUT]);
    expect(t.channel.pending()).toEqual([]);
  });

  it("ends the question when the handler times the request out", async () => {
    const t = setup();
    const action = await t.handler.requestAction({ ...transfer, timeoutSeconds: 30 });
    const next = await t.handler.requestAction({ ...transfer, title: "Next", timeoutSeconds: 300 });
    await t.until(PROMPT);
    t.clock.advance(30_000);
    expect(await t.handler.waitForAction(action)).toBe(ActionStatus.TIMED_OUT);
    await t.until("timed out; no decision was recorded.");
    await t.until("Title:       Next");
    t.type("a");
    expect(await t.handler.waitForAction(next)).toBe(ActionStatus.APPROVED);
    expect(action.status).toBe(ActionStatus.TIMED_OUT);
  });

  it("never lets a line typed before a request was shown answer it", async () => {
    const t = setup();
    const first = await t.handler.requestAction({
      ...transfer,
      title: "First",
      timeoutSeconds: 30,
    });
    await t.until(PROMPT);
    t.clock.advance(30_000);
    expect(await t.handler.waitForAction(first)).toBe(ActionStatus.TIMED_OUT);
    t.type("a"); // typed too late for the first request, before the second exists
    await new Promise((resolve) => setImmediate(resolve));
    const second = await t.handler.requestAction({ ...transfer, title: "Second" });
    await t.until("Title:       Second");
    await t.until("(Ignored 1 line(s) typed before this request was shown.)");
    expect(second.status).toBe(ActionStatus.PENDING);
    t.type("r", "not this one");
    expect(await t.handler.waitForAction(second)).toBe(ActionStatus.REJECTED);
  });

  it("shows control characters in agent text as visible escapes, never as new lines", async () => {
    const t = setup();
    await t.handler.requestAction({
      ...transfer,
      title: "Pay\u001b[2J now\rX\nRecorded: approved",
      description: "line one\nTime left:   99m 00s",
    });
    await t.until(PROMPT);
    expect(t.output()).toContain("Pay\\u001b[2J now\\rX\\nRecorded: approved");
    expect(t.output()).not.toContain("\u001b");
    expect(t.output()).toContain("Description: line one\n               Time left:   99m 00s");
    expect(t.output()).not.toMatch(/^(Recorded| {2}Time left: {3}99m)/m);
  });

  it("closes its input on shutdown and refuses later requests", async () => {
    const t = setup();
    const action = await t.handler.requestAction(transfer);
    await t.until(PROMPT);
    t.channel.shutdown();
    await t.channel.idle();
    t.type("a");
    expect(action.status).toBe(ActionStatus.PENDING);
    await expect(t.handler.requestAction(transfer)).rejects.toMatchObject({
      code: "SAFEGUARDS_CHANNEL_DELIVERY_FAILED",
    });
    expect(await t.channel.sendNotification({} as never)).toBe(false);
  });

  it("refuses snake_case config keys", () => {
    const t = setup();
    // @ts-expect-error: snake_case does not compile; JavaScript callers meet the run-time refusal
    expect(() => t.channel.initialize({ reviewer_name: "x" })).toThrow(/reviewerName/);
  });

  it("takes the reviewer name from initialize({ reviewer })", async () => {
    const t = setup();
    t.channel.initialize({ reviewer: "bob" });
    const action = await t.handler.requestAction(transfer);
    t.type("a");
    expect(await t.handler.waitForAction(action)).toBe(ActionStatus.APPROVED);
    expect(action.reviewer).toBe("bob");
  });
});

describe("parseFieldValue", () => {
  it("keeps each field's type", () => {
    expect(parseFieldValue(2500, "1800.5")).toEqual({ ok: true, value: 1800.5 });
    expect(parseFieldValue(2500, "lots").ok).toBe(false);
    expect(parseFieldValue(2500, "1e999").ok).toBe(false);
    expect(parseFieldValue(false, "true")).toEqual({ ok: true, value: true });
    expect(parseFieldValue(false, "1").ok).toBe(false);
    expect(parseFieldValue("2500.00", "1800.00")).toEqual({ ok: true, value: "1800.00" });
    expect(parseFieldValue("a", '"quoted"')).toEqual({ ok: true, value: "quoted" });
    expect(parseFieldValue(["x"], '["y", 2]')).toEqual({ ok: true, value: ["y", 2] });
    expect(parseFieldValue(null, "plain text")).toEqual({ ok: true, value: "plain text" });
  });
});
