/**
 * @module payments
 * The agent's side: the payment policy (over 50,000.00 needs two of finance; the CFO is added
 * after a minute of silence) and `pay`, which asks the inbox through a
 * `HumanActionHandler` and runs the payment only with what the humans decided.
 */
import {
  type ActionStatus,
  Decimal,
  definePolicies,
  type HumanAction,
  type HumanActionHandler,
} from "@safeguards/core";

/** A payment the agent wants to make. */
export interface Payment {
  amount: string;
  to: string;
}

const LIMIT = new Decimal("50000.00"); // parsed once, not on every call

/** transfer_funds: four eyes above 50,000.00. */
export const policies = definePolicies({
  transfer_funds: {
    when: ({ args }) => new Decimal(String(args.amount)).gt(LIMIT),
    title: ({ args }) => `Pay ${String(args.amount)} to ${String(args.to)}`,
    requiredApprovals: 2,
    assignees: ["group:finance"],
    escalation: [{ afterSeconds: 60, assignees: ["group:cfo"] }],
    timeoutSeconds: 600,
  },
});

/** What happened to one payment. */
export interface PaymentOutcome {
  status: ActionStatus | "not needed";
  /** The payment that ran, or null. */
  paid: Payment | null;
  /** Who approved it (the inbox's `decision.approvals`). */
  approvedBy: string[];
  action: HumanAction | null;
}

/**
 * Pays `payment` when the policy lets it: at once when no approval is needed, else after
 * the inbox's final decision (`onFiled` is told the pending action, to decide it).
 */
export async function pay(
  handler: HumanActionHandler,
  payment: Payment,
  onFiled: (action: HumanAction) => void,
): Promise<PaymentOutcome> {
  const args = { ...payment };
  const verdict = await policies.evaluate({
    toolName: "transfer_funds",
    args,
    agentId: "payments",
  });
  if (!verdict.required)
    return { status: "not needed", paid: payment, approvedBy: [], action: null };
  const action = await handler.requestAction({
    title: verdict.title,
    description: verdict.description,
    agentId: "payments",
    severity: verdict.severity,
    action: { name: "transfer_funds", args },
    allowedDecisions: verdict.allowedDecisions,
    ...(verdict.timeoutSeconds !== undefined ? { timeoutSeconds: verdict.timeoutSeconds } : {}),
    // who decides: the policy's approvers, as the inbox enforces them
    ...(verdict.assignees ? { assignees: verdict.assignees } : {}),
    ...(verdict.requiredApprovals ? { requiredApprovals: verdict.requiredApprovals } : {}),
    ...(verdict.escalation ? { escalation: verdict.escalation } : {}),
  });
  onFiled(action);
  const status = await handler.waitForAction(action);
  const approvedBy = action.decision?.approvals?.map((a) => a.reviewer) ?? [];
  const values = action.approvedValues;
  const paid = values ? { amount: String(values.amount), to: String(values.to) } : null;
  return { status, paid, approvedBy, action };
}
