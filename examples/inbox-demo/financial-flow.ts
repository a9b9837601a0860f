/**
 * @module financial-flow
 * The guide's Complete Example as a function: a financial agent with a $1000.00 limit, the
 * FinancialServicesSafeguard, a logging channel for alerts, and a human approval through
 * whatever approval channel the handler uses (here, the inbox over HTTP).
 */
import {
  ActionStatus,
  Agent,
  FinancialServicesSafeguard,
  type HumanAction,
  type HumanActionHandler,
  LoggingChannel,
  NotificationManager,
} from "@safeguards/core";

/** The guide's agent: runs with whatever it is given. */
export class FinancialAgent extends Agent {
  constructor(
    name: string,
    readonly transactionLimit: string,
  ) {
    super(name);
  }
  run(args: Record<string, unknown>) {
    return { success: true, ...args };
  }
}

/** The guide's transaction. */
export const TRANSACTION = {
  action_type: "transaction",
  amount: "2500.00",
  description: "Large investment purchase",
};

/** JSON Schema of the transaction: a reviewer's modification must still match it. */
export const TRANSACTION_SCHEMA = {
  type: "object",
  properties: {
    action_type: { type: "string" },
    amount: { type: "string", pattern: "^[0-9]+\\.[0-9]{2}$" },
    description: { type: "string" },
  },
  required: ["action_type", "amount", "description"],
  additionalProperties: false,
};

/** Options of {@link runFinancialApproval}. */
export interface FinancialApprovalOptions {
  handler: HumanActionHandler;
  /** Called once the request is filed (print how to decide, start a scripted reviewer). */
  onFiled?: (action: HumanAction) => void | Promise<void>;
  /** Where the flow writes its lines. @default console.log */
  log?: (line: string) => void;
}

/** What happened. */
export interface FinancialApprovalResult {
  status: ActionStatus;
  action?: HumanAction;
  /** What the agent ran with, if it ran. */
  result?: Record<string, unknown>;
}

/** Runs the Complete Example once and answers its outcome. */
export async function runFinancialApproval(
  options: FinancialApprovalOptions,
): Promise<FinancialApprovalResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const notifications = new NotificationManager();
  const logging = new LoggingChannel({ logger: { info: log, warn: log, error: log, debug: log } });
  logging.initialize({ logLevel: "INFO" });
  notifications.registerChannel("logging", logging);

  const agent = new FinancialAgent("financial_advisor", "1000.00");
  const safeguard = new FinancialServicesSafeguard();
  safeguard.initialize({
    restrictedActions: ["high_risk_investment"],
    transactionLimits: { [agent.id]: agent.transactionLimit },
  });
  safeguard.monitorAgent(agent.id);
  try {
    const alerts = safeguard.validateAgentAction(agent, {
      actionType: TRANSACTION.action_type,
      amount: TRANSACTION.amount,
      description: TRANSACTION.description,
    });
    if (alerts.length === 0) {
      const result = await agent.run(TRANSACTION);
      log(`Transaction executed without approval: ${JSON.stringify(result)}`);
      return { status: ActionStatus.APPROVED, result };
    }
    for (const alert of alerts) await notifications.notify(alert);

    const action = await options.handler.requestAction({
      title: "Approve High-Value Transaction",
      description: `Transaction of $${TRANSACTION.amount} requires approval`,
      agentId: agent.id,
      metadata: TRANSACTION,
      action: { name: "transaction", args: TRANSACTION, argsSchema: TRANSACTION_SCHEMA },
    });
    await options.onFiled?.(action);
    const status = await options.handler.waitForAction(action);
    if (status === ActionStatus.APPROVED || status === ActionStatus.MODIFIED) {
      const result = await agent.run(action.approvedValues ?? {});
      const what = status === ActionStatus.APPROVED ? "Approved" : "Modified";
      log(`${what} transaction executed: ${JSON.stringify(result)}`);
      return { status, action, result };
    }
    log(`Transaction not executed. Status: ${status}, Reason: ${action.comments ?? "(none)"}`);
    return { status, action };
  } finally {
    safeguard.stopMonitoringAgent(agent.id);
    await notifications.shutdown();
  }
}
