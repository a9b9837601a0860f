/**
 * @module sdk-runs
 * The scenario in the Vercel AI SDK (`generateText` with `guardTools` from
 * `@safeguards/ai-sdk`; the model is the SDK's `MockLanguageModelV4` from `ai/test`) and in the
 * OpenAI Agents SDK (`needsApprovalFrom` on the tools, `resolveInterruptions` from
 * `@safeguards/openai-agents`; a scripted `Model`), both with the one policy file and the
 * reviewer on an in-process channel.
 */
import {
  Agent,
  type AgentInputItem,
  tool as agentTool,
  type Model,
  run,
  setTracingDisabled,
  Usage,
} from "@openai/agents";
import { guardTools } from "@safeguards/ai-sdk";
import { HumanActionHandler, InProcessApprovalChannel } from "@safeguards/core";
import { needsApprovalFrom, resolveInterruptions } from "@safeguards/openai-agents";
import { generateText, isStepCount, tool } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { z } from "zod";
import { policies } from "./policies.js";
import { bank, CALLS, inProcessReviewer, type Outcome } from "./scenario.js";

setTracingDisabled(true);

function reviewer() {
  const asked: Outcome["asked"] = [];
  const channel = new InProcessApprovalChannel();
  inProcessReviewer(channel, asked);
  return { asked, handler: new HumanActionHandler(channel) };
}

const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 1, text: 1, reasoning: undefined },
};

/** AI SDK: `generateText` whose tools are wrapped by `guardTools(tools, policies)`. */
export async function runAiSdk(): Promise<Outcome> {
  const ran: string[] = [];
  const { transfer, balance } = bank(ran);
  const { asked, handler } = reviewer();
  const tools = {
    transfer_funds: tool({
      description: "Transfer money to a payee",
      inputSchema: z.object({ amount: z.string(), to: z.string() }),
      execute: async (args) => transfer(args),
    }),
    get_balance: tool({
      description: "Read the balance",
      inputSchema: z.object({}),
      execute: async () => balance(),
    }),
  };
  const model = new MockLanguageModelV4({
    doGenerate: [
      {
        content: CALLS.map((c) => ({
          type: "tool-call" as const,
          toolCallId: c.id,
          toolName: c.name,
          input: JSON.stringify(c.args),
        })),
        finishReason: { unified: "tool-calls", raw: undefined },
        usage,
        warnings: [],
      },
      {
        content: [{ type: "text", text: "done" }],
        finishReason: { unified: "stop", raw: undefined },
        usage,
        warnings: [],
      },
    ],
  });
  const result = await generateText({
    model,
    tools: guardTools(tools, policies, { handler, agentId: "bank-bot" }),
    prompt: "pay",
    stopWhen: isStepCount(3),
  });
  handler.shutdown();
  const results: Record<string, string> = {};
  for (const part of result.steps[0]?.content ?? []) {
    if (part.type === "tool-result") results[part.toolCallId] = String(part.output);
    if (part.type === "tool-error") results[part.toolCallId] = String(part.error);
  }
  return { asked, ran, results };
}

/** OpenAI Agents SDK: `needsApprovalFrom(policies)` tools, `resolveInterruptions`, resume. */
export async function runOpenAiAgents(): Promise<Outcome> {
  const ran: string[] = [];
  const { transfer, balance } = bank(ran);
  const { asked, handler } = reviewer();
  const results: Record<string, string> = {};
  const model: Model = {
    async getResponse(request) {
      const input = (Array.isArray(request.input) ? request.input : []) as AgentInputItem[];
      const answered = input.filter((i) => i.type === "function_call_result");
      for (const r of answered) {
        const out = r.output as unknown;
        results[r.callId] = typeof out === "string" ? out : ((out as { text?: string }).text ?? "");
      }
      const output: AgentInputItem[] =
        answered.length > 0
          ? [
              {
                type: "message",
                role: "assistant",
                status: "completed",
                content: [{ type: "output_text", text: "done" }],
              },
            ]
          : CALLS.map((c) => ({
              type: "function_call",
              callId: c.id,
              name: c.name,
              arguments: JSON.stringify(c.args),
            }));
      return { usage: new Usage(), output: output as never };
    },
    getStreamedResponse() {
      throw new Error("not streamed here");
    },
  };
  const tools = [
    agentTool({
      name: "transfer_funds",
      description: "Transfer money to a payee",
      parameters: z.object({ amount: z.string(), to: z.string() }),
      needsApproval: needsApprovalFrom(policies, { name: "transfer_funds" }),
      execute: async (args) => transfer(args),
    }),
    agentTool({
      name: "get_balance",
      description: "Read the balance",
      parameters: z.object({}),
      needsApproval: needsApprovalFrom(policies, { name: "get_balance" }),
      execute: async () => balance(),
    }),
  ];
  const agent = new Agent({ name: "bank", instructions: "pay", model, tools });
  const first = await run(agent, "pay");
  const { state } = await resolveInterruptions(first, {
    handler,
    policies,
    agentId: "bank-bot",
  });
  await run(agent, state);
  handler.shutdown();
  return { asked, ran, results };
}
