/**
 * The policies the gateway tests (and the CLI's `--policies`) use: transfers above 1000.00
 * need a human; the payments server's other tools never do.
 */
import { Decimal, definePolicies } from "@safeguards/core";

export default definePolicies({
  transfer_funds: {
    when: ({ args }) => new Decimal(String(args.amount)).gt("1000.00"),
    title: ({ args }) => `Approve $${String(args.amount)} transfer`,
    description: ({ args }) => `Transfer ${String(args.amount)} to ${String(args.to)}`,
  },
  get_balance: false,
  echo_request: { when: ({ args }) => args.risky === true, title: "Risky echo" },
  wait_for_cancel: false,
  refund: false,
  crash: false,
  add_tool: false,
  audit_log: false,
  add_resource: false,
  no_such_tool: false,
  ask_model: false,
  ask_user: false,
  list_roots: false,
  roots_changed: false,
  notify: false,
});
