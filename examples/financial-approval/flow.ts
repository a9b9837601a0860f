/**
 * @module flow
 * The guide's "Complete Example" as one reusable function: a FinancialAgent with a
 * 1000.00 limit wants to make a 2500.00 transaction, the FinancialServicesSafeguard flags
 * it, a human is asked, and the outcome decides what runs.
 *
 * The approval channel is whatever the given handler uses (in-process, terminal, or the
 * HTTP HumanInTheLoopChannel of the inbox demo).
 */
import {
  ActionStatus,
  Decimal,
  FinancialServicesSafeguard,
  formatMoney,
  type HumanAction,
  type HumanActionHandler,
  LoggingChannel,
  type NotificationChannel,
  NotificationManager,
  type SafetyAlert,
  toDecimal,
} from "@safeguards/core";
import { FinancialAgent, type Transaction, type TransactionResult } from "./financial-agent.js";

/** Options of {@link runFinancialApproval}. */
export interface FinancialApprovalOptions {
  /** Files the approval request and waits for the decision. */
  handler: HumanActionHandler;
  /** The handler's channel, registered on the NotificationManager as "human_review" (as in the guide). */
  channel?: NotificationChannel;
  /** Where the example writes its lines (LoggingChannel output included). */
  log: (line: string) => void;
  /** @default { actionType: "transaction", amount: 2500.00, description: "Large investment purchase" } */
  transaction?: Transaction;
  /** Timeout of the approval request (the guide's channel uses 60). @default 60 */
  timeoutSeconds?: number;
  /** Called once the request is filed (to print where to decide it, for example). */
  onRequested?: (action: HumanAction) => void;
}

/** What happened: the final status, and what the agent executed (null when nothing ran). */
export interface FinancialApprovalOutcome {
  /** The action's final status; APPROVED when the safeguard raised nothing (no approval needed). */
  status: ActionStatus;
  result: TransactionResult | null;
  /** The approval request; null when no approval was needed. */
  action: HumanAction | null;
  alerts: SafetyAlert[];
  agent: FinancialAgent;
}

/** The guide's transaction: 2500.00, over the agent's 1000.00 limit. */
export function defaultTransaction(): Transaction {
  return {
    actionType: "transaction",
    amount: new Decimal("2500.00"),
    description: "Large investment purchase",
  };
}

/** Runs the Complete Example once and reports its outcome. */
export async function runFinancialApproval(
  options: FinancialApprovalOptions,
): Promise<FinancialApprovalOutcome> {
  const { handler, log } = options;
  const logger = { debug: log, info: log, warn: log, error: log };

  // Create notification components
  const notificationManager = new NotificationManager();
  const loggingChannel = new LoggingChannel({ logger });
  loggingChannel.initialize({ logLevel: "INFO" });
  notificationManager.registerChannel("logging", loggingChannel);
  if (options.channel) notificationManager.registerChannel("human_review", options.channel);

  // Create agent and safeguard
  const agent = new FinancialAgent("financial_advisor", new Decimal("1000.00"));
  const financialSafeguard = new FinancialServicesSafeguard();
  financialSafeguard.initialize({
    restrictedActions: ["high_risk_investment"],
    transactionLimits: { [agent.id]: new Decimal("1000.00") },
  });
  financialSafeguard.monitorAgent(agent.id);

  const transaction = options.transaction ?? defaultTransaction();
  try {
    // Check if it needs approval
    const alerts = financialSafeguard.validateAgentAction(agent, transaction);
    if (alerts.length === 0) {
      // No alerts, proceed normally
      const result = await agent.run(transaction);
      log(`Transaction executed without approval: ${describe(result)}`);
      return { status: ActionStatus.APPROVED, result, action: null, alerts, agent };
    }
    for (const alert of alerts) await notificationManager.notify(alert, { channels: ["logging"] });

    // Request human approval
    const action = await handler.requestAction({
      title: "Approve High-Value Transaction",
      description: `Transaction of $${formatMoney(transaction.amount)} requires approval`,
      agentId: agent.id,
      metadata: toMetadata(transaction),
      timeoutSeconds: options.timeoutSeconds ?? 60,
    });
    options.onRequested?.(action);

    // Wait for response
    const status = await handler.waitForAction(action);
    let result: TransactionResult | null = null;
    switch (status) {
      case ActionStatus.APPROVED: {
        // Execute approved transaction
        result = await agent.run(transaction);
        log(`Approved transaction executed: ${describe(result)}`);
        break;
      }
      case ActionStatus.MODIFIED: {
        // Apply modifications
        const modified = applyModifications(transaction, action.responseData ?? {});
        const refused = modified
          ? financialSafeguard
              .validateAgentAction(agent, modified)
              .filter((a) => a.severity === "ERROR" || a.severity === "CRITICAL")
          : [];
        if (!modified || refused.length > 0) {
          const why = refused.map((a) => a.title).join(", ") || "amount is not a valid decimal";
          log(`Modified transaction not executed (${why}): ${JSON.stringify(action.responseData)}`);
          break;
        }
        // Execute modified transaction (the reviewer approved its amount; errors such as a
        // restricted action type still stop it)
        result = await agent.run(modified);
        log(`Modified transaction executed: ${describe(result)}`);
        break;
      }
      default:
        log(`Transaction not executed. Status: ${status}, Reason: ${action.comments ?? "none"}`);
    }
    return { status, result, action, alerts, agent };
  } finally {
    // Clean up (the owner of the approval channel shuts it down, as the guide does)
    financialSafeguard.stopMonitoringAgent(agent.id);
    await notificationManager.unregisterChannel("logging");
  }
}

/**
 * The guide's modification loop: `amount` becomes a Decimal, other fields are copied.
 * Returns undefined when the new amount is not a valid decimal (nothing runs then).
 */
export function applyModifications(
  transaction: Transaction,
  modifications: Record<string, unknown>,
): Transaction | undefined {
  const modified: Transaction = { ...transaction };
  for (const [key, value] of Object.entries(modifications)) {
    if (key === "amount") {
      const amount = toDecimal(value);
      if (!amount || amount.isNegative()) return undefined;
      modified.amount = amount;
    } else if (key === "actionType" || key === "description") {
      modified[key] = String(value);
    }
  }
  return modified;
}

/** The transaction as request metadata: JSON, with the amount as an exact string. */
function toMetadata(transaction: Transaction): { [key: string]: string } {
  return {
    actionType: transaction.actionType,
    amount: formatMoney(transaction.amount),
    description: transaction.description,
  };
}

function describe(result: TransactionResult): string {
  return `{ success: ${result.success}, actionType: "${result.actionType}", amount: ${formatMoney(result.amount)}, description: ${JSON.stringify(result.description)} }`;
}
