/**
 * @module bench/overhead
 * What approval costs an OpenAI Agents SDK agent when nothing is flagged: one `run` (two
 * un-flagged calls, then an answer) with `needsApproval: needsApprovalFrom(policies)` against
 * the same agent with no `needsApproval` (target ratio <= 1.05), and the `needsApproval`
 * check alone against `async () => false`. Measured side by side, interleaved (see
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
import { compare, fmt, median, ratioOf, ratioTable, verdict } from "../../../bench/compare.js";
import { needsApprovalFrom } from "../src/index.js";

setTracingDisabled(true);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const TURNS = Number(process.env.BENCH_TURNS ?? 30);
const CHECKS = Number(process.env.BENCH_CALLS ?? 2000);

const policies = definePolicies({
  transfer_funds: { when: ({ args }) => new Decimal(String(args.amount)).gt("1000.00") },
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

function agentWith(guard: "none" | "policies" | "constant") {
  const approval = (name: string) =>
    guard === "policies"
      ? { needsApproval: needsApprovalFrom(policies, { name }) }
      : guard === "constant"
        ? { needsApproval: async () => false }
        : {};
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
  const args = { amount: "500.00", to: "ACME" };
  const checks = await compare(
    { never: () => never(), policy: () => needs({}, args, "c1") },
    CHECKS,
    ROUNDS,
  );
  const runs = await compare(
    { bare: agentWith("none"), constant: agentWith("constant"), guarded: agentWith("policies") },
    TURNS,
    ROUNDS,
  );
  const runRatio = ratioOf(runs.guarded!, runs.bare!);
  return ratioTable(
    `OpenAI Agents SDK approval overhead (nothing flagged; interleaved rounds of ${TURNS} runs and ${CHECKS} checks (${ROUNDS} rounds); times: medians; ratios: medians of the per-round ratios)`,
    [
      ["needsApproval: async () => false", fmt(median(checks.never!)), ""],
      [
        "needsApproval: needsApprovalFrom, Decimal policy",
        fmt(median(checks.policy!)),
        `${ratioOf(checks.policy!, checks.never!).toFixed(3)} (the policy's own work)`,
      ],
      ["agent run (2 un-flagged calls): no needsApproval", fmt(median(runs.bare!)), ""],
      [
        "agent run: needsApproval: async () => false (the SDK's own cost)",
        fmt(median(runs.constant!)),
        ratioOf(runs.constant!, runs.bare!).toFixed(3),
      ],
      [
        "agent run: needsApprovalFrom on both tools",
        fmt(median(runs.guarded!)),
        `${verdict(runRatio, 1.05)}; over async () => false: ${ratioOf(runs.guarded!, runs.constant!).toFixed(3)}`,
      ],
    ],
  );
}
