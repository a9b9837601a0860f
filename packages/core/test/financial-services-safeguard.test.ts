import { describe, expect, it } from "vitest";
import {
  Agent,
  createManualClock,
  Decimal,
  ErrorCode,
  FinancialServicesSafeguard,
  InvalidConfigError,
  isSafeguardsError,
  toDecimal,
} from "../src/index.js";

class FinancialAgent extends Agent {
  run(args: Record<string, unknown>) {
    return { success: true, ...args };
  }
}

const agent = new FinancialAgent("financial_advisor");

function safeguard(limit: unknown = new Decimal("1000.00")) {
  const s = new FinancialServicesSafeguard();
  s.initialize({
    restrictedActions: ["high_risk_investment"],
    transactionLimits: { [agent.id]: limit as Decimal },
  });
  s.monitorAgent(agent.id);
  return s;
}

const titles = (alerts: { title: string }[]) => alerts.map((a) => a.title);

describe("FinancialServicesSafeguard limits", () => {
  it("is inclusive: 1000.00 passes, 1000.01 raises a WARNING", () => {
    const s = safeguard();
    expect(s.validateAgentAction(agent, { actionType: "transaction", amount: "1000.00" })).toEqual(
      [],
    );
    const alerts = s.validateAgentAction(agent, { actionType: "transaction", amount: "1000.01" });
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    expect(alert?.severity).toBe("WARNING");
    expect(alert?.title).toBe("Transaction Limit Exceeded");
    expect(alert?.agentId).toBe("financial_advisor");
    expect(alert?.metadata).toMatchObject({
      amount: "1000.01",
      limit: "1000.00",
      agent_id: "financial_advisor",
      action_type: "transaction",
    });
  });

  it("accepts amounts as number, numeric string and Decimal, compared exactly", () => {
    const s = safeguard();
    for (const amount of [1000, 1000.0, "1000", new Decimal("1000.000"), "1e3"]) {
      expect(s.validateAgentAction(agent, { actionType: "transaction", amount })).toEqual([]);
    }
    for (const amount of [1000.01, "1000.0000001", new Decimal("1000.01"), 2500]) {
      expect(titles(s.validateAgentAction(agent, { actionType: "transaction", amount }))).toEqual([
        "Transaction Limit Exceeded",
      ]);
    }
  });

  it("compares as decimals where floats would be wrong", () => {
    // 0.1 + 0.2 as a float is 0.30000000000000004 > 0.3; as decimals the limit holds.
    const s = safeguard("0.3");
    const amount = new Decimal("0.1").plus("0.2");
    expect(s.validateAgentAction(agent, { actionType: "transaction", amount })).toEqual([]);
    expect(
      s.validateAgentAction(agent, { actionType: "transaction", amount: 0.1 + 0.2 }),
    ).toHaveLength(1);
  });

  it("accepts limits as number, numeric string or Decimal", () => {
    for (const limit of [1000, "1000.00", new Decimal(1000)]) {
      const s = safeguard(limit);
      expect(s.getTransactionLimit(agent.id)?.equals(1000)).toBe(true);
      expect(
        s.validateAgentAction(agent, { actionType: "transaction", amount: 1001 }),
      ).toHaveLength(1);
    }
  });

  it("treats an agent without a limit as unlimited", () => {
    const s = safeguard();
    const other = new FinancialAgent("other");
    expect(
      s.validateAgentAction(other, { actionType: "transaction", amount: "99999999999999.99" }),
    ).toEqual([]);
  });

  it("validates an unmonitored agent all the same (fail closed)", () => {
    const s = safeguard();
    s.stopMonitoringAgent(agent.id);
    expect(s.isMonitoringAgent(agent.id)).toBe(false);
    expect(
      titles(s.validateAgentAction(agent, { actionType: "transaction", amount: 2500 })),
    ).toEqual(["Transaction Limit Exceeded"]);
  });

  it("formats the guide's 2500.00 with two decimals", () => {
    const [alert] = safeguard().validateAgentAction(agent, {
      actionType: "transaction",
      amount: new Decimal("2500.00"),
      description: "Large investment purchase",
    });
    expect(alert?.metadata.amount).toBe("2500.00");
    expect(alert?.metadata.action_description).toBe("Large investment purchase");
    expect(alert?.description).toContain("2500.00");
  });
});

describe("FinancialServicesSafeguard restricted actions and invalid amounts", () => {
  it("raises an ERROR for a restricted action type", () => {
    const alerts = safeguard().validateAgentAction(agent, { actionType: "high_risk_investment" });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      severity: "ERROR",
      title: "Restricted Financial Action",
      metadata: { action_type: "high_risk_investment", agent_id: "financial_advisor" },
    });
  });

  it("reports both a restriction and an exceeded limit", () => {
    const alerts = safeguard().validateAgentAction(agent, {
      actionType: "high_risk_investment",
      amount: 5000,
    });
    expect(titles(alerts)).toEqual(["Restricted Financial Action", "Transaction Limit Exceeded"]);
  });

  it("lets an unrestricted action without an amount pass", () => {
    expect(safeguard().validateAgentAction(agent, { actionType: "check_balance" })).toEqual([]);
  });

  it.each([
    ["negative", -5],
    ["negative string", "-0.01"],
    ["non-numeric", "abc"],
    ["hex", "0x10"],
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["Infinity string", "Infinity"],
    ["empty", ""],
    ["null", null],
    ["object", { value: 1 }],
    ["Decimal NaN", new Decimal(Number.NaN)],
  ])("returns an ERROR alert, never throws, for a %s amount", (_, amount) => {
    const s = safeguard();
    const alerts = s.validateAgentAction(agent, {
      actionType: "transaction",
      amount: amount as unknown as string,
    });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.severity).toBe("ERROR");
    expect(alerts[0]?.title).toBe("Invalid Transaction Amount");
  });

  it("flags a transaction without an amount", () => {
    const alerts = safeguard().validateAgentAction(agent, { actionType: "transaction" });
    expect(titles(alerts)).toEqual(["Invalid Transaction Amount"]);
    expect(alerts[0]?.metadata.amount).toBe("missing");
  });

  it("checks the amount of any action that carries one", () => {
    const alerts = safeguard().validateAgentAction(agent, { actionType: "refund", amount: "-3" });
    expect(titles(alerts)).toEqual(["Invalid Transaction Amount"]);
  });

  it("flags an action without actionType, pointing at the snake_case key", () => {
    const alerts = safeguard().validateAgentAction(agent, {
      action_type: "transaction",
      amount: 1,
    } as never);
    expect(alerts[0]?.severity).toBe("ERROR");
    expect(alerts[0]?.description).toMatch(/actionType/);
  });
});

describe("FinancialServicesSafeguard lifecycle and config", () => {
  it("returns 'Safeguard Not Initialized' before initialize and after shutdown", () => {
    const s = new FinancialServicesSafeguard();
    const before = s.validateAgentAction(agent, { actionType: "transaction", amount: 1 });
    expect(before).toHaveLength(1);
    expect(before[0]).toMatchObject({ severity: "ERROR", title: "Safeguard Not Initialized" });
    const ready = safeguard();
    ready.shutdown();
    expect(titles(ready.validateAgentAction(agent, { actionType: "check_balance" }))).toEqual([
      "Safeguard Not Initialized",
    ]);
    expect(ready.isMonitoringAgent(agent.id)).toBe(false);
  });

  it("monitors and stops monitoring agents", () => {
    const s = new FinancialServicesSafeguard();
    expect(s.isMonitoringAgent("a")).toBe(false);
    s.monitorAgent("a");
    expect(s.isMonitoringAgent("a")).toBe(true);
    expect(s.stopMonitoringAgent("a")).toBe(true);
    expect(s.stopMonitoringAgent("a")).toBe(false);
    expect(s.isMonitoringAgent("a")).toBe(false);
  });

  it.each([["-1"], ["abc"], [Number.NaN], [null]])(
    "refuses the limit %s, naming the key",
    (limit) => {
      const s = new FinancialServicesSafeguard();
      let caught: unknown;
      try {
        s.initialize({ transactionLimits: { agent_1: limit as string } });
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(InvalidConfigError);
      expect(isSafeguardsError(caught, ErrorCode.INVALID_CONFIG)).toBe(true);
      expect((caught as Error).message).toContain("transactionLimits.agent_1");
    },
  );

  it("refuses the guide's snake_case keys, naming the camelCase one", () => {
    const s = new FinancialServicesSafeguard();
    expect(() => s.initialize({ restricted_actions: [] } as never)).toThrow(/"restrictedActions"/);
    expect(() => s.initialize({ transaction_limits: {} } as never)).toThrow(/"transactionLimits"/);
  });

  it("stamps alerts with the injected clock", () => {
    const clock = createManualClock(Date.UTC(2026, 10, 29, 12));
    const s = new FinancialServicesSafeguard({ clock });
    const [alert] = s.validateAgentAction(agent, { actionType: "transaction", amount: 1 });
    expect(alert?.timestamp.toISOString()).toBe("2026-11-29T12:00:00.000Z");
  });
});

describe("toDecimal", () => {
  it("parses plain numbers and numeric strings only", () => {
    expect(toDecimal(1000.01)?.toString()).toBe("1000.01");
    expect(toDecimal(" 12.50 ")?.toFixed(2)).toBe("12.50");
    expect(toDecimal("1e3")?.toString()).toBe("1000");
    expect(toDecimal("0x10")).toBeUndefined();
    expect(toDecimal("12abc")).toBeUndefined();
    expect(toDecimal(Number.NaN)).toBeUndefined();
    expect(toDecimal(true)).toBeUndefined();
  });
});
