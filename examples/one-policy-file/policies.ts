/**
 * The ONE policy file of this example: every adapter (LangChain, LangGraph, AI SDK, OpenAI
 * Agents SDK) imports this same object, unchanged.
 */
import { Decimal, definePolicies } from "@safeguards/core";

const LIMIT = new Decimal("1000.00"); // parsed once, not on every call

/** Transfers over 1000.00 wait for a human; reading the balance never does. */
export const policies = definePolicies({
  transfer_funds: {
    when: ({ args }) => new Decimal(String(args.amount)).gt(LIMIT),
    title: ({ args }) => `Approve $${String(args.amount)} transfer to ${String(args.to)}`,
    timeoutSeconds: 300,
    onTimeout: "reject",
  },
  get_balance: false,
});
