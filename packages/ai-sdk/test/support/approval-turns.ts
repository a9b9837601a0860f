/**
 * @module approval-turns
 * Test fixture for the AI SDK's own approval flow: a first `generateText` turn with tools
 * gated by `requireApprovals(bankingTools, bankingPolicies)`, whose flagged calls stop as
 * `tool-approval-request` parts, and a second turn that sends the approval responses.
 */
import { bankingPolicies } from "@safeguards/test-support";
import { generateText, isStepCount, type ModelMessage } from "ai";
import { requireApprovals } from "../../src/index.js";
import { bankingTools, type ScriptedCall, scriptedModel } from "./scripted.js";

/** First turn: the model calls the tools; flagged calls stop as approval requests. */
export async function firstTurn(
  calls: ScriptedCall[],
  extra: Parameters<typeof bankingPolicies>[0] = {},
) {
  const { ran, tools } = bankingTools();
  const policies = bankingPolicies(extra);
  const gated = requireApprovals(tools, policies);
  const model = scriptedModel(calls);
  const prompt: ModelMessage[] = [{ role: "user", content: "pay ACME" }];
  const result = await generateText({
    model,
    tools: gated,
    messages: prompt,
    stopWhen: isStepCount(3),
  });
  const history = [...prompt, ...result.response.messages];
  /** Second turn: the same conversation with the responses appended. */
  const answer = async (content: unknown[]) =>
    generateText({
      model,
      tools: gated,
      messages: [...history, { role: "tool", content } as ModelMessage],
      stopWhen: isStepCount(3),
    });
  return { ran, tools: gated, policies, model, result, history, answer };
}
