/**
 * @module bench/overhead
 * What approval costs when nothing is flagged: an un-flagged call through `withApproval`
 * against the bare tool (target ratio <= 1.05): with a policy that never flags the tool,
 * and with a Decimal `when` that passes 500.00, compared with the same Decimal check run by
 * hand before the bare tool (so the policy's own work, which is the user's code, is not
 * counted as the wrapper's); and one agent turn with `approvalMiddleware` against the same agent
 * with LangChain's built-in `humanInTheLoopMiddleware` (target ratio <= 1.0). Measured side
 * by side in one run: interleaved rounds in alternating order, each ratio the median of the
 * per-round ratios. Run through `pnpm bench langchain`.
 */
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import { tool } from "@langchain/core/tools";
import {
  Decimal,
  definePolicies,
  HumanActionHandler,
  InProcessApprovalChannel,
} from "@safeguards/core";
import { createAgent, humanInTheLoopMiddleware } from "langchain";
import { z } from "zod";
import {
  callOverheadRows,
  compare,
  fmt,
  median,
  ratioOf,
  ratioTable,
  verdict,
  WARM_UP_ROUNDS,
} from "../../../bench/compare.js";
import { approvalMiddleware, withApproval } from "../src/index.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
// Tool calls take ~70 µs: many short rounds, so a burst of noise from elsewhere on the
// machine spoils single rounds (which the median drops) rather than a whole contender.
const CALL_ROUNDS = Number(process.env.BENCH_CALL_ROUNDS ?? 151);
const CALLS = Number(process.env.BENCH_CALLS ?? 200);
const TURNS = Number(process.env.BENCH_TURNS ?? 30);

const schema = z.object({ amount: z.string(), to: z.string() });
const transferFunds = tool(async ({ amount, to }) => `Transferred ${amount} to ${to}`, {
  name: "transfer_funds",
  description: "Transfer money",
  schema,
});
const getBalance = tool(async () => "Balance: 5000.00", {
  name: "get_balance",
  description: "Read the balance",
  schema: z.object({}),
});
const LIMIT = new Decimal("1000.00");
const overLimit = (amount: unknown) => new Decimal(String(amount)).gt(LIMIT);
const policies = definePolicies({
  transfer_funds: { when: ({ args }) => overLimit(args.amount) },
  get_balance: false,
});
const handler = new HumanActionHandler(new InProcessApprovalChannel());

function agentWith(middleware: "approval-wait" | "approval-interrupt" | "builtin-hitl" | "none") {
  const turns = (ROUNDS + WARM_UP_ROUNDS) * TURNS;
  let model = fakeModel();
  for (let i = 0; i < turns; i++) {
    model = model
      .respondWithTools([
        { name: "transfer_funds", args: { amount: "500.00", to: "ACME" }, id: `t${i}` },
        { name: "get_balance", args: {}, id: `b${i}` },
      ])
      .respond(new AIMessage("done"));
  }
  const chosen =
    middleware === "approval-wait"
      ? [approvalMiddleware({ policies, handler, mode: "wait" })]
      : middleware === "approval-interrupt"
        ? [approvalMiddleware({ policies, mode: "interrupt" })]
        : middleware === "builtin-hitl"
          ? [
              humanInTheLoopMiddleware({
                interruptOn: {
                  transfer_funds: {
                    allowedDecisions: ["approve", "edit", "reject"],
                    when: (request) => overLimit(request.toolCall.args.amount),
                  },
                  get_balance: false,
                },
              }),
            ]
          : [];
  const agent = createAgent({ model, tools: [transferFunds, getBalance], middleware: chosen });
  return () => agent.invoke({ messages: [new HumanMessage("pay ACME 500")] });
}

/** Runs both comparisons and returns the printed table. */
export async function run(): Promise<string> {
  const guarded = withApproval(transferFunds, policies, { handler });
  // The same tool with a policy that never flags it: the wrapper's own cost, no policy work.
  const neverFlagged = withApproval(transferFunds, false, { handler });
  const args = { amount: "500.00", to: "ACME" };
  const calls = await compare(
    {
      bare: () => transferFunds.invoke(args),
      guarded: () => guarded.invoke(args),
      never: () => neverFlagged.invoke(args),
      // The same Decimal check run by hand before the bare tool: the policy's own cost.
      policyByHand: () => {
        overLimit(args.amount);
        return transferFunds.invoke(args);
      },
    },
    CALLS,
    CALL_ROUNDS,
  );
  const turns = await compare(
    {
      none: agentWith("none"),
      builtin: agentWith("builtin-hitl"),
      wait: agentWith("approval-wait"),
      interrupt: agentWith("approval-interrupt"),
    },
    TURNS,
    ROUNDS,
  );
  const waitRatio = ratioOf(turns.wait!, turns.builtin!);
  const interruptRatio = ratioOf(turns.interrupt!, turns.builtin!);
  const rows = [
    ...callOverheadRows(calls, "Decimal check"),
    ["agent turn (2 un-flagged calls): no middleware", fmt(median(turns.none!)), ""],
    ["agent turn: built-in humanInTheLoopMiddleware", fmt(median(turns.builtin!)), "baseline"],
    [
      'agent turn: approvalMiddleware mode "wait"',
      fmt(median(turns.wait!)),
      verdict(waitRatio, 1.0),
    ],
    [
      'agent turn: approvalMiddleware mode "interrupt"',
      fmt(median(turns.interrupt!)),
      verdict(interruptRatio, 1.0),
    ],
  ];
  return ratioTable(
    `LangChain approval overhead (nothing flagged; interleaved rounds of ${CALLS} calls (${CALL_ROUNDS} rounds) and ${TURNS} turns (${ROUNDS} rounds); times: medians; ratios: medians of the per-round ratios)`,
    rows,
  );
}
