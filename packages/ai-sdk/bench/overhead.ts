/**
 * @module bench/overhead
 * What approval costs an AI SDK agent when nothing is flagged, measured side by side,
 * interleaved (see `bench/compare.ts`); run through `pnpm bench ai-sdk`:
 * - an un-flagged call through `withApproval` against the bare tool's `execute` (target ratio
 *   <= 1.05): with a policy whose `when` never flags (`() => false`: the wrapper's own cost;
 *   `false` itself hands the tool's own `execute` back), and with a Decimal `when` that
 *   passes 500.00, compared with the same check run by hand before the bare `execute`;
 * - the same calls as the SDK makes them inside `generateText`: the model's input text
 *   parsed and validated by the tool's `inputSchema`, then `execute` (without the SDK's
 *   callbacks and tracing, which the agent runs below include);
 * - one agent run (`generateText`, a scripted `MockLanguageModelV4` calling two tools, then
 *   answering) with `guardTools` against the same tools unguarded (target ratio <= 1.05).
 */
import {
  Decimal,
  definePolicies,
  HumanActionHandler,
  InProcessApprovalChannel,
} from "@safeguards/core";
import {
  asSchema,
  generateText,
  isStepCount,
  type ModelMessage,
  type Tool,
  type ToolSet,
  tool,
} from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { z } from "zod";
import {
  callOverheadRows,
  compare,
  fmt,
  median,
  policyRows,
  ratioOf,
  ratioTable,
  verdict,
} from "../../../bench/compare.js";
import { guardTools, withApproval } from "../src/index.js";

// Agent runs are timed one by one, the contenders taking turns (see compare's `each: "op"`).
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
// Tool calls take microseconds: many short rounds, so a burst of noise from elsewhere on the
// machine spoils single rounds (which the median drops) rather than a whole contender.
const CALL_ROUNDS = Number(process.env.BENCH_CALL_ROUNDS ?? 152);
const CALLS = Number(process.env.BENCH_CALLS ?? 5000);
const TURNS = Number(process.env.BENCH_TURNS ?? 20);

const transferFunds = tool({
  description: "Transfer money",
  inputSchema: z.object({ amount: z.string(), to: z.string() }),
  execute: async ({ amount, to }) => `Transferred ${amount} to ${to}`,
});
const getBalance = tool({
  description: "Read the balance",
  inputSchema: z.object({}),
  execute: async () => "Balance: 5000.00",
});
// The limit is parsed once, as a policy file would hold it (see RESULTS: parsing it per call
// is half the check's cost).
const LIMIT = new Decimal("1000.00");
const overLimit = (amount: unknown) => new Decimal(String(amount)).gt(LIMIT);
const tools = { transfer_funds: transferFunds, get_balance: getBalance };
/** transfer_funds with the policy's Decimal check written into it by hand (never flags here). */
const checkedByHand = tool({
  description: "Transfer money",
  inputSchema: z.object({ amount: z.string(), to: z.string() }),
  execute: async ({ amount, to }) => {
    if (overLimit(amount)) throw new Error("over the limit");
    return `Transferred ${amount} to ${to}`;
  },
});
const policies = definePolicies({
  transfer_funds: { when: ({ args }) => overLimit(args.amount) },
  get_balance: false,
});
const handler = new HumanActionHandler(new InProcessApprovalChannel());

const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 1, text: 1, reasoning: undefined },
};
let turn = 0;
/** Calls both tools (un-flagged) until it sees their results, then answers "done". */
const model = new MockLanguageModelV4({
  doGenerate: async ({ prompt }) => {
    model.doGenerateCalls.length = 0; // the mock keeps every call: not in a benchmark
    const answered = (prompt as ModelMessage[]).some((m) => m.role === "tool");
    turn += 1;
    const call = (id: string, toolName: string, input: object) => ({
      type: "tool-call" as const,
      toolCallId: `${id}${turn}`,
      toolName,
      input: JSON.stringify(input),
    });
    return {
      content: answered
        ? [{ type: "text" as const, text: "done" }]
        : [
            call("t", "transfer_funds", { amount: "500.00", to: "ACME" }),
            call("b", "get_balance", {}),
          ],
      finishReason: { unified: answered ? "stop" : "tool-calls", raw: undefined },
      usage,
      warnings: [],
    };
  },
});

const step = (agentTools: ToolSet) => () =>
  generateText({ model, tools: agentTools, prompt: "pay ACME 500", stopWhen: isStepCount(3) });

type Options = Parameters<NonNullable<typeof transferFunds.execute>>[1];

/**
 * A call as the AI SDK makes it inside `generateText`: the model's input text parsed, then
 * validated (and parsed) by the tool's `inputSchema`, then `execute` awaited.
 */
function asTheSdkRunsIt(run: Tool, text: string, options: Options): () => Promise<unknown> {
  const schema = asSchema(run.inputSchema);
  return async () => {
    const parsed = await schema.validate!(JSON.parse(text));
    if (!parsed.success) throw parsed.error;
    return await run.execute!(parsed.value, options);
  };
}

/** Runs the comparisons and returns the printed table. */
export async function run(): Promise<string> {
  const guarded = withApproval(transferFunds, policies, { handler, name: "transfer_funds" });
  const never = { when: () => false };
  const neverFlagged = withApproval(transferFunds, never, { handler, name: "transfer_funds" });
  const input = { amount: "500.00", to: "ACME" };
  const text = JSON.stringify(input);
  const options = { toolCallId: "c1", messages: [], context: {} } as unknown as Options;
  const calls = await compare(
    {
      bare: () => transferFunds.execute!(input, options) as Promise<string>,
      guarded: () => guarded.execute!(input, options) as Promise<string>,
      never: () => neverFlagged.execute!(input, options) as Promise<string>,
      policyByHand: () => {
        // The check's answer is used, as the policy's is (an unused one may be optimised away).
        if (overLimit(input.amount)) throw new Error("over the limit");
        return transferFunds.execute!(input, options) as Promise<string>;
      },
      sdkBare: asTheSdkRunsIt(transferFunds, text, options),
      sdkNever: asTheSdkRunsIt(neverFlagged, text, options),
      sdkByHand: asTheSdkRunsIt(checkedByHand, text, options),
      sdkGuarded: asTheSdkRunsIt(guarded, text, options),
    },
    CALLS,
    CALL_ROUNDS,
  );
  const steps = await compare(
    {
      bare: step(tools),
      byHand: step({ ...tools, transfer_funds: checkedByHand }),
      guarded: step(guardTools(tools, policies, { handler })),
    },
    TURNS,
    ROUNDS,
    { each: "op" },
  );
  return ratioTable(
    `AI SDK approval overhead (nothing flagged; interleaved rounds of ${CALLS} calls per contender (${CALL_ROUNDS} rounds; medians of the per-round means and ratios) and ${ROUNDS * TURNS} agent runs each, taking turns run by run (medians of the runs and of the paired ratios))`,
    [
      ...callOverheadRows(calls, "Decimal check", "when: () => false"),
      [
        "as the SDK runs it (input text parsed, inputSchema, execute): bare",
        fmt(median(calls.sdkBare)),
        "",
      ],
      [
        "as the SDK runs it: withApproval, when: () => false",
        fmt(median(calls.sdkNever)),
        verdict(ratioOf(calls.sdkNever, calls.sdkBare), 1.05),
      ],
      ...policyRows(calls.sdkBare, {
        byHand: ["as the SDK runs it: the Decimal check by hand in execute", calls.sdkByHand],
        policy: ["as the SDK runs it: withApproval, Decimal check policy", calls.sdkGuarded],
      }),
      ["agent run (2 un-flagged calls, 2 steps): tools unguarded", fmt(median(steps.bare)), ""],
      [
        "agent run: transfer_funds runs the Decimal check by hand",
        fmt(median(steps.byHand)),
        `${ratioOf(steps.byHand, steps.bare).toFixed(3)} (the policy's own work)`,
      ],
      [
        "agent run: guardTools (Decimal policy on transfer_funds)",
        fmt(median(steps.guarded)),
        `${verdict(ratioOf(steps.guarded, steps.bare), 1.05)}; over the check by hand: ${verdict(ratioOf(steps.guarded, steps.byHand), 1.05)}`,
      ],
    ],
  );
}
