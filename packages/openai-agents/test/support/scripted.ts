/**
 * @module scripted
 * A scripted OpenAI Agents SDK `Model` (no network): with no tool results in its input it
 * answers with the given function calls (all in one response: parallel calls), and once
 * results are there it records them and answers "done", also streamed (one `response_done`
 * event). Stateless, so a fresh instance in a fresh agent continues a restored run. Also the
 * banking tools the tests guard.
 */
import {
  Agent,
  type AgentInputItem,
  type Model,
  type ModelRequest,
  type ModelResponse,
  type protocol,
  setTracingDisabled,
  tool,
  Usage,
} from "@openai/agents";
import type { Policies } from "@safeguards/core";
import { z } from "zod";
import { needsApprovalFrom } from "../../src/index.js";

setTracingDisabled(true);

/** One function call the model makes. */
export interface ScriptedCall {
  id: string;
  name: string;
  input: Record<string, unknown>;
}

/** The scripted model and the tool results (by call id) it was shown. */
export function scriptedModel(calls: ScriptedCall[]) {
  const seen: Record<string, string> = {};
  const model: Model = {
    async getResponse(request: ModelRequest): Promise<ModelResponse> {
      const items = (Array.isArray(request.input) ? request.input : []) as AgentInputItem[];
      const results = items.filter((i) => i.type === "function_call_result");
      if (results.length === 0) {
        return {
          usage: new Usage(),
          output: calls.map((c) => ({
            type: "function_call" as const,
            callId: c.id,
            name: c.name,
            arguments: JSON.stringify(c.input),
            status: "completed" as const,
          })),
        };
      }
      for (const r of results) {
        if (r.type !== "function_call_result") continue;
        const out = r.output as unknown;
        seen[r.callId] =
          typeof out === "string" ? out : ((out as { text?: string }).text ?? JSON.stringify(out));
      }
      return {
        usage: new Usage(),
        output: [
          {
            type: "message",
            role: "assistant",
            status: "completed",
            content: [{ type: "output_text", text: "done" }],
          },
        ],
      };
    },
    /** The same answer as one streamed `response_done` event (for `run(..., { stream: true })`). */
    async *getStreamedResponse(request: ModelRequest): AsyncIterable<protocol.StreamEvent> {
      const { output } = await model.getResponse(request);
      const usage = { requests: 1, inputTokens: 0, outputTokens: 0, totalTokens: 0 };
      const response = {
        id: "r",
        usage,
        output,
      } as protocol.StreamEventResponseCompleted["response"];
      yield { type: "response_done", response };
    },
  };
  return { model, seen };
}

/** A banking agent: `transfer_funds` gated by `policies`, `get_balance` never. */
export function bankingAgent(model: Model, policies: Policies) {
  const ran: { tool: string; input: unknown }[] = [];
  const transfer = tool({
    name: "transfer_funds",
    description: "Transfer money to a payee",
    parameters: z.object({ amount: z.string(), to: z.string() }),
    needsApproval: needsApprovalFrom(policies, { name: "transfer_funds" }),
    execute: async (input) => {
      ran.push({ tool: "transfer_funds", input });
      return `Transferred ${input.amount} to ${input.to}`;
    },
  });
  const balance = tool({
    name: "get_balance",
    description: "The account balance",
    parameters: z.object({}),
    needsApproval: needsApprovalFrom(policies, { name: "get_balance" }),
    execute: async (input) => {
      ran.push({ tool: "get_balance", input });
      return "Balance: 5000.00";
    },
  });
  const agent = new Agent({ name: "bank", instructions: "pay", model, tools: [transfer, balance] });
  return { agent, ran };
}
