/**
 * @module banking
 * Test fixtures: a banking toolset that records what actually ran (and, re-exported from
 * `@safeguards/test-support`, its policies and an in-process approval channel).
 */
import { tool } from "@langchain/core/tools";
import { transferArgsSchema } from "@safeguards/test-support";
import { z } from "zod";

/** The fixtures shared with the other adapters' tests. */
export { approvals, bankingPolicies } from "@safeguards/test-support";

/** Tools whose runs are recorded in `ran`. */
export function bankingTools() {
  const ran: Array<{ tool: string; args: unknown }> = [];
  const transferFunds = tool(
    async (args) => {
      ran.push({ tool: "transfer_funds", args });
      return `Transferred ${args.amount} to ${args.to}`;
    },
    {
      name: "transfer_funds",
      description: "Transfer money to a payee",
      schema: transferArgsSchema,
    },
  );
  const getBalance = tool(
    async () => {
      ran.push({ tool: "get_balance", args: {} });
      return "Balance: 5000.00";
    },
    { name: "get_balance", description: "Read the balance", schema: z.object({}) },
  );
  return { ran, transferFunds, getBalance };
}
