/**
 * @module banking
 * Test fixtures: a banking toolset that records what actually ran, and an in-process
 * approval channel with a handler on a manual clock.
 */
import { tool } from "@langchain/core/tools";
import {
  type ApprovalRequest,
  createManualClock,
  Decimal,
  definePolicies,
  HumanActionHandler,
  InProcessApprovalChannel,
} from "@safeguards/core";
import { z } from "zod";

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
      schema: z.object({
        amount: z
          .string()
          .regex(/^\d+\.\d{2}$/, "amount must look like 123.45")
          // A refinement has no JSON Schema form: only the tool's own zod check sees it.
          .refine((v) => Number(v) < 1_000_000, "amount must be under 1000000.00"),
        to: z.string().min(1),
      }),
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

/** transfer_funds flagged above 1000.00, get_balance never. */
export function bankingPolicies(
  extra: { timeoutSeconds?: number; onTimeout?: "reject" | "approve" } = {},
) {
  return definePolicies({
    transfer_funds: {
      when: ({ args }) => new Decimal(String(args.amount)).gt("1000.00"),
      title: ({ args }) => `Approve $${String(args.amount)} transfer`,
      ...extra,
    },
    get_balance: false,
  });
}

/** An in-process channel, a handler on a manual clock, and the requests filed so far. */
export function approvals() {
  const clock = createManualClock(Date.parse("2026-11-29T12:00:00Z"));
  const channel = new InProcessApprovalChannel({ clock });
  const handler = new HumanActionHandler(channel, { clock, onError: () => {} });
  const requests: ApprovalRequest[] = [];
  channel.onRequest((request) => requests.push(request));
  /** Calls `decide` for each new request, after the handler has started waiting. */
  const reviewer = (decide: (request: ApprovalRequest) => void) =>
    channel.onRequest((request) => setImmediate(() => decide(request)));
  return { clock, channel, handler, requests, reviewer };
}
