/**
 * @module scripted
 * Test fixtures: AI SDK banking tools that record what actually ran, and a
 * scripted `MockLanguageModelV4` (from `ai/test`) that calls tools in its first step and
 * answers "done" in the next, keeping every prompt it was sent.
 */
import { transferArgsSchema } from "@safeguards/test-support";
import { type ModelMessage, tool } from "ai";
import { convertArrayToReadableStream, MockLanguageModelV4 } from "ai/test";
import { z } from "zod";

/** Tools whose runs are recorded in `ran`. */
export function bankingTools() {
  const ran: Array<{ tool: string; input: unknown }> = [];
  const transferFunds = tool({
    description: "Transfer money to a payee",
    inputSchema: transferArgsSchema,
    execute: async (input) => {
      ran.push({ tool: "transfer_funds", input });
      return `Transferred ${input.amount} to ${input.to}`;
    },
  });
  const getBalance = tool({
    description: "Read the balance",
    inputSchema: z.object({}),
    execute: async () => {
      ran.push({ tool: "get_balance", input: {} });
      return "Balance: 5000.00";
    },
  });
  return { ran, tools: { transfer_funds: transferFunds, get_balance: getBalance } };
}

/** One tool call the model makes. */
export interface ScriptedCall {
  id: string;
  name: string;
  input: Record<string, unknown>;
}

const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 1, text: 1, reasoning: undefined },
};

/** A model that makes `calls` (in parallel, one step), then answers "done". */
export function scriptedModel(calls: ScriptedCall[]) {
  return new MockLanguageModelV4({
    doGenerate: [
      {
        content: calls.map((c) => ({
          type: "tool-call" as const,
          toolCallId: c.id,
          toolName: c.name,
          input: JSON.stringify(c.input),
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
}

/** The same script, streamed (for `streamText`). */
export function scriptedStreamModel(calls: ScriptedCall[]) {
  const finish = (unified: "tool-calls" | "stop") => ({
    type: "finish" as const,
    finishReason: { unified, raw: undefined },
    usage,
  });
  const stream = (parts: unknown[]) => ({
    stream: convertArrayToReadableStream(parts as never[]),
  });
  return new MockLanguageModelV4({
    doStream: [
      stream([
        { type: "stream-start", warnings: [] },
        ...calls.map((c) => ({
          type: "tool-call",
          toolCallId: c.id,
          toolName: c.name,
          input: JSON.stringify(c.input),
        })),
        finish("tool-calls"),
      ]),
      stream([
        { type: "stream-start", warnings: [] },
        { type: "text-start", id: "t1" },
        { type: "text-delta", id: "t1", delta: "done" },
        { type: "text-end", id: "t1" },
        finish("stop"),
      ]),
    ],
  });
}

/** What the model was sent as the result of each tool call, by call id (its second prompt). */
export function toolResultsSeen(model: MockLanguageModelV4): Record<string, unknown> {
  const second = model.doGenerateCalls[1] ?? model.doStreamCalls[1];
  const prompt = (second?.prompt ?? []) as ModelMessage[];
  const seen: Record<string, unknown> = {};
  for (const message of prompt) {
    if (message.role !== "tool") continue;
    for (const part of message.content) {
      if (part.type === "tool-result") seen[part.toolCallId] = part.output;
    }
  }
  return seen;
}
