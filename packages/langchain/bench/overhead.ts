/**
 * @module bench/overhead
 * What approval costs when nothing is flagged: an un-flagged call through `withApproval`
 * against the bare tool (target ratio <= 1.05), and one agent turn with
 * `approvalMiddleware` against the same agent with LangChain's built-in
 * `humanInTheLoopMiddleware` (target ratio <= 1.0), measured side by side (interleaved
 * rounds, medians) in one run. Run through `pnpm bench langchain`.
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
import { approvalMiddleware, withApproval } from "../src/index.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
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
const overLimit = (amount: unknown) => new Decimal(String(amount)).gt("1000.00");
const policies = definePolicies({
  transfer_funds: { when: ({ args }) => overLimit(args.amount) },
  get_balance: false,
});
const handler = new HumanActionHandler(new InProcessApprovalChannel());

type Timed = () => Promise<unknown>;

/** Median of per-round means (microseconds per operation) for each contender, interleaved. */
async function compare(
  contenders: Record<string, Timed>,
  perRound: number,
): Promise<Record<string, number>> {
  const samples: Record<string, number[]> = Object.fromEntries(
    Object.keys(contenders).map((k) => [k, []]),
  );
  for (let round = -1; round < ROUNDS; round++) {
    for (const [name, fn] of Object.entries(contenders)) {
      globalThis.gc?.();
      const start = process.hrtime.bigint();
      for (let i = 0; i < perRound; i++) await fn();
      const us = Number(process.hrtime.bigint() - start) / 1000 / perRound;
      if (round >= 0) samples[name]!.push(us); // round -1 warms up
    }
  }
  return Object.fromEntries(
    Object.entries(samples).map(([k, v]) => [
      k,
      [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!,
    ]),
  );
}

function agentWith(middleware: "approval-wait" | "approval-interrupt" | "builtin-hitl" | "none") {
  const turns = (ROUNDS + 1) * TURNS;
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

const fmt = (us: number) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`);

/** Runs both comparisons and returns the printed table. */
export async function run(): Promise<string> {
  const guarded = withApproval(transferFunds, policies, { handler });
  const args = { amount: "500.00", to: "ACME" };
  const calls = await compare(
    { bare: () => transferFunds.invoke(args), guarded: () => guarded.invoke(args) },
    CALLS,
  );
  const turns = await compare(
    {
      none: agentWith("none"),
      builtin: agentWith("builtin-hitl"),
      wait: agentWith("approval-wait"),
      interrupt: agentWith("approval-interrupt"),
    },
    TURNS,
  );
  const callRatio = calls.guarded! / calls.bare!;
  const waitRatio = turns.wait! / turns.builtin!;
  const interruptRatio = turns.interrupt! / turns.builtin!;
  const verdict = (ratio: number, target: number) =>
    `${ratio.toFixed(3)} (target <= ${target}: ${ratio <= target ? "met" : "MISSED"})`;
  const rows = [
    ["un-flagged tool call: bare tool", fmt(calls.bare!), ""],
    ["un-flagged tool call: withApproval", fmt(calls.guarded!), verdict(callRatio, 1.05)],
    ["agent turn (2 un-flagged calls): no middleware", fmt(turns.none!), ""],
    ["agent turn: built-in humanInTheLoopMiddleware", fmt(turns.builtin!), "baseline"],
    ['agent turn: approvalMiddleware mode "wait"', fmt(turns.wait!), verdict(waitRatio, 1.0)],
    [
      'agent turn: approvalMiddleware mode "interrupt"',
      fmt(turns.interrupt!),
      verdict(interruptRatio, 1.0),
    ],
  ];
  const widths = [0, 1, 2].map((i) =>
    Math.max(...rows.map((r) => r[i]!.length), ["case", "median", "ratio"][i]!.length),
  );
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  return [
    `LangChain approval overhead (nothing flagged; median of ${ROUNDS} interleaved rounds: ${CALLS} calls, ${TURNS} turns each)`,
    line(["case", "median", "ratio"]),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...rows.map(line),
  ].join("\n");
}
