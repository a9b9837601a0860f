/**
 * The gateway's policies (`safeguards-mcp --policies ./policies.ts`): transfers above
 * 1000.00 wait for a reviewer in the inbox; the balance never does; any other tool the
 * server may add later is asked about (the default).
 */
import { Decimal, definePolicies } from "@safeguards/core";

const LIMIT = new Decimal("1000.00"); // parsed once, not on every call
export default definePolicies({
  transfer_funds: {
    when: ({ args }) => new Decimal(String(args.amount)).gt(LIMIT),
    title: ({ args }) => `Approve $${String(args.amount)} transfer to ${String(args.to)}`,
    timeoutSeconds: 300,
    onTimeout: "reject",
  },
  get_balance: false,
});
