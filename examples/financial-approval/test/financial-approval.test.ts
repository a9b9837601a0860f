import {
  ActionStatus,
  createManualClock,
  Decimal,
  HumanActionHandler,
  InProcessApprovalChannel,
} from "@safeguards/core";
import { describe, expect, it } from "vitest";
import { applyModifications, defaultTransaction, runFinancialApproval } from "../flow.js";
import { type ScriptedOutcome, scriptReviewer } from "../scripted-reviewer.js";

async function run(outcome: ScriptedOutcome, transaction = defaultTransaction()) {
  const clock = createManualClock();
  const channel = new InProcessApprovalChannel({ clock });
  const handler = new HumanActionHandler(channel, { clock });
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  scriptReviewer({ channel, clock, outcome, log });
  const outcomeOf = await runFinancialApproval({ handler, channel, log, transaction });
  handler.shutdown();
  return { ...outcomeOf, lines, channel };
}

describe("financial-approval example (the guide's Complete Example)", () => {
  it("flags the 2500.00 transaction and files the request as the guide does", async () => {
    const { alerts, action } = await run("approve");
    expect(alerts.map((a) => [a.severity, a.title])).toEqual([
      ["WARNING", "Transaction Limit Exceeded"],
    ]);
    expect(action?.title).toBe("Approve High-Value Transaction");
    expect(action?.description).toBe("Transaction of $2500.00 requires approval");
    expect(action?.agentId).toBe("financial_advisor");
    expect(action?.metadata).toEqual({
      actionType: "transaction",
      amount: "2500.00",
      description: "Large investment purchase",
    });
    expect(action!.expiresAt.getTime() - action!.requestedAt.getTime()).toBe(60_000);
  });

  it("approved: runs the original 2500.00 transaction once", async () => {
    const { status, result, agent, lines } = await run("approve");
    expect(status).toBe(ActionStatus.APPROVED);
    expect(agent.executed).toHaveLength(1);
    expect(result?.amount).toBeInstanceOf(Decimal);
    expect(result?.amount.equals("2500.00")).toBe(true);
    expect(lines.some((l) => l.startsWith("[WARNING] Transaction Limit Exceeded"))).toBe(true);
    expect(lines.at(-1)).toMatch(/^Approved transaction executed: .*amount: 2500\.00/);
  });

  it("modified: runs exactly 1800.00, as a Decimal", async () => {
    const { status, result, agent, action, lines } = await run("modify");
    expect(status).toBe(ActionStatus.MODIFIED);
    expect(action?.responseData).toEqual({ amount: "1800.00" });
    expect(agent.executed).toHaveLength(1);
    const amount = agent.executed[0]?.amount;
    expect(amount).toBeInstanceOf(Decimal);
    expect(amount?.toFixed(2)).toBe("1800.00");
    expect(amount?.equals(new Decimal("1800.00"))).toBe(true);
    expect(result?.description).toBe("Large investment purchase");
    expect(lines.at(-1)).toMatch(/^Modified transaction executed: .*amount: 1800\.00/);
  });

  it("rejected: runs nothing and reports the reviewer's reason", async () => {
    const { status, result, agent, lines } = await run("reject");
    expect(status).toBe(ActionStatus.REJECTED);
    expect(result).toBeNull();
    expect(agent.executed).toEqual([]);
    expect(lines.at(-1)).toBe(
      "Transaction not executed. Status: rejected, Reason: Exceeds the client's risk profile",
    );
  });

  it("timed out: runs nothing", async () => {
    const { status, result, agent, lines } = await run("timeout");
    expect(status).toBe(ActionStatus.TIMED_OUT);
    expect(result).toBeNull();
    expect(agent.executed).toEqual([]);
    expect(lines.at(-1)).toBe("Transaction not executed. Status: timed_out, Reason: none");
  });

  it("runs a transaction within the limit without asking anyone", async () => {
    const small = { ...defaultTransaction(), amount: new Decimal("1000.00") };
    const { status, action, agent, channel } = await run("reject", small);
    expect(status).toBe(ActionStatus.APPROVED);
    expect(action).toBeNull();
    expect(channel.pending()).toEqual([]);
    expect(agent.executed[0]?.amount.equals("1000.00")).toBe(true);
  });

  it("does not run a modification that turns it into a restricted action", async () => {
    const channel = new InProcessApprovalChannel();
    const handler = new HumanActionHandler(channel);
    channel.onRequest((request) =>
      setImmediate(() => channel.modify(request.id, { actionType: "high_risk_investment" })),
    );
    const lines: string[] = [];
    const { status, result, agent } = await runFinancialApproval({
      handler,
      channel,
      log: (line) => lines.push(line),
    });
    handler.shutdown();
    expect(status).toBe(ActionStatus.MODIFIED);
    expect(result).toBeNull();
    expect(agent.executed).toEqual([]);
    expect(lines.at(-1)).toMatch(/not executed \(Restricted Financial Action\)/);
  });

  it("never runs a modification whose amount is not a decimal or is negative", () => {
    const base = defaultTransaction();
    expect(applyModifications(base, { amount: "lots" })).toBeUndefined();
    expect(applyModifications(base, { amount: "-5" })).toBeUndefined();
    expect(applyModifications(base, { amount: 1800 })?.amount.equals("1800")).toBe(true);
  });
});
