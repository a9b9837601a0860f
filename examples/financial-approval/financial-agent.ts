/**
 * @module financial-agent
 * The guide's `FinancialAgent`: an agent with a transaction limit that "executes"
 * transactions (here: records them and returns `{ success: true, ...transaction }`).
 */
import { Agent, type Decimal } from "@safeguards/core";

/** A transaction as the agent runs it: money is always a Decimal. */
export type Transaction = {
  actionType: string;
  amount: Decimal;
  description: string;
};

/** What {@link FinancialAgent.run} returns. */
export type TransactionResult = { success: true } & Transaction;

/** An agent that executes transactions; `executed` lists what actually ran, in order. */
export class FinancialAgent extends Agent<Transaction, TransactionResult> {
  /** The agent's own limit (the safeguard is configured with the same value). */
  readonly transactionLimit: Decimal;
  /** Every transaction this agent executed. */
  readonly executed: Transaction[] = [];

  constructor(name: string, transactionLimit: Decimal) {
    super(name);
    this.transactionLimit = transactionLimit;
  }

  /** Executes the transaction (the agent implementation would go here). */
  run(transaction: Transaction): TransactionResult {
    this.executed.push({ ...transaction });
    return { success: true, ...transaction };
  }
}
