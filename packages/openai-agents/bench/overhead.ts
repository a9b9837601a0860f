/**
 * @module bench/overhead
 * What approval costs an OpenAI Agents SDK agent when nothing is flagged: one `run` (two
 * un-flagged calls, then an answer) with `needsApproval: needsApprovalFrom(policies)` against
 * the same agent with no `needsApproval`, and against the same Decimal check written by hand
 * as `needsApproval` (targets <= 1.05), and the `needsApproval` check alone against
 * `async () => false`. Measured side by side, interleaved (see
 * `bench/compare.ts`). Run through `pnpm bench openai-agents`.
 */
import {
  Agent,
  type Model,
  type ModelRequest,
  run as runAgent,
  setTracingDisabled,
  tool,
  Usage,
} from "@openai/agents";
import { Decimal, definePolicies } from "@safeguards/core";
import { z } from "zod";
import {
  compare,
  fmt,
  median,
  policyRows,
  ratioOf,
  ratioTable,
  verdict,
} from "../../../bench/compare.js";
import { needsApprovalFrom } from "../src/index.js";

setTracingDisabled(true);
// An agent run takes about a millisecond: runs are timed one by one, the contenders taking
// turns (compare's `each: "op"`), so a burst of load elsewhere spoils single pairs only.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const TURNS = Number(process.env.BENCH_TURNS ?? 20);
const CHECKS = Number(process.env.BENCH_CALLS ?? 2000);

// The limit is parsed once, as a policy file would hold it (parsing it per call is half the
// check's cost: bench/RESULTS.md).
const LIMIT = new Decimal("1000.00");
const overLimit = (amount: unknown) => new Decimal(String(amount)).gt(LIMIT);
const policies = definePolicies({
  transfer_funds: { when: ({ args }) => overLimit(args.amount) },
  get_balance: false,
});

let turn = 0;
const model: Model = {
  async getResponse(request: ModelRequest) {
    const input = Array.isArray(request.input) ? request.input : [];
    const answered = input.some((item) => item.type === "function_call_result");
    const call = (callId: string, name: string, args: object) =>
      ({ type: "function_call", callId, name, arguments: JSON.stringify(args) }) as const;
    turn += 1;
    return {
      usage: new Usage(),
      output: answered
        ? [
            {
              type: "message",
              role: "assistant",
              status: "completed",
              content: [{ type: "output_text", text: "done" }],
            },
          ]
        : [
            call(`t${turn}`, "transfer_funds", { amount: "500.00", to: "ACME" }),
            call(`b${turn}`, "get_balance", {}),
          ],
    };
  },
  getStreamedResponse() {
    throw new Error("not streamed");
  },
};

/**
 * The agent with transfer_funds' `needsApproval`: none, `async () => false` (what the SDK
 * itself pays for any per-call check), the same Decimal check written by hand (the code
 * `needsApprovalFrom` replaces), or `needsApprovalFrom(policies)` on both tools (get_balance's
 * `false` entry is handed over as a boolean).
 */
function agentWith(guard: "none" | "constant" | "byHand" | "policies") {
  const approval = (name: string) =>
    guard === "policies"
      ? { needsApproval: needsApprovalFrom(policies, { name }) }
      : name !== "transfer_funds" || guard === "none"
        ? {}
        : guard === "constant"
          ? { needsApproval: async () => false }
          : {
              needsApproval: async (_: unknown, input: unknown) =>
                overLimit((input as { amount: string }).amount),
            };
  const transfer = tool({
    name: "transfer_funds",
    description: "Transfer money",
    parameters: z.object({ amount: z.string(), to: z.string() }),
    ...approval("transfer_funds"),
    execute: async ({ amount, to }) => `Transferred ${amount} to ${to}`,
  });
  const balance = tool({
    name: "get_balance",
    description: "Read the balance",
    parameters: z.object({}),
    ...approval("get_balance"),
    execute: async () => "Balance: 5000.00",
  });
  const agent = new Agent({ name: "bank", instructions: "pay", model, tools: [transfer, balance] });
  return () => runAgent(agent, "pay ACME 500");
}

/** Runs both comparisons and returns the printed table. */
export async function run(): Promise<string> {
  const needs = needsApprovalFrom(policies, { name: "transfer_funds" });
  if (typeof needs !== "function") throw new Error("transfer_funds has a when policy");
  const never = async () => false;
  const byHand = async (_: unknown, input: { amount: string }) => overLimit(input.amount);
  const args = { amount: "500.00", to: "ACME" };
  const checks = await compare(
    {
      never: () => never(),
      byHand: () => byHand({}, args),
      policy: () => needs({}, args, "c1"),
    },
    CHECKS,
    ROUNDS,
  );
  const runs = await compare(
    {
      bare: agentWith("none"),
      constant: agentWith("constant"),
      byHand: agentWith("byHand"),
      guarded: agentWith("policies"),
    },
    TURNS,
    ROUNDS,
    { each: "op" },
  );
  return ratioTable(
    `OpenAI Agents SDK approval overhead (nothing flagged; ${ROUNDS * TURNS} agent runs each, taking turns run by run (medians of the runs and of the paired ratios), and interleaved rounds of ${CHECKS} checks (${ROUNDS} rounds; medians of the per-round means and ratios))`,
    [
      ["needsApproval: async () => false", fmt(median(checks.never)), ""],
      ...policyRows(checks.never, {
        byHand: ["needsApproval: the Decimal check by hand", checks.byHand],
        policy: ["needsApproval: needsApprovalFrom, Decimal policy", checks.policy],
      }),
      ["agent run (2 un-flagged calls): no needsApproval", fmt(median(runs.bare)), ""],
      [
        "agent run: transfer_funds needsApproval async () => false (the SDK's own cost)",
        fmt(median(runs.constant)),
        ratioOf(runs.constant, runs.bare).toFixed(3),
      ],
      [
        "agent run: transfer_funds needsApproval, the Decimal check by hand",
        fmt(median(runs.byHand)),
        ratioOf(runs.byHand, runs.bare).toFixed(3),
      ],
      [
        "agent run: needsApprovalFrom on both tools",
        fmt(median(runs.guarded)),
        `${verdict(ratioOf(runs.guarded, runs.bare), 1.05)}; over the check by hand: ${verdict(ratioOf(runs.guarded, runs.byHand), 1.05)}`,
      ],
    ],
  );
}
