import { approvals, bankingPolicies, transferCall } from "@safeguards/test-support";
import { generateText, isStepCount } from "ai";
import { describe, expect, it } from "vitest";
import { guardTools } from "../src/index.js";
import { bankingTools, scriptedModel, toolResultsSeen } from "./support/scripted.js";

const flagged = [transferCall()];

describe("guarded AI SDK tools fail closed", () => {
  it("does not run a call whose request cannot be filed, and tells the model", async () => {
    const { ran, tools } = bankingTools();
    const { handler, channel } = approvals();
    channel.shutdown();
    const model = scriptedModel(flagged);
    await generateText({
      model,
      tools: guardTools(tools, bankingPolicies(), { handler }),
      prompt: "pay ACME",
      stopWhen: isStepCount(3),
    });
    expect(ran).toHaveLength(0);
    expect(JSON.stringify(toolResultsSeen(model).call_1)).toContain("could not be filed");
  });

  it("an aborted generateText withdraws the request and does not run the tool", async () => {
    const { ran, tools } = bankingTools();
    const { handler, channel, reviewer, requests } = approvals();
    const controller = new AbortController();
    reviewer(() => controller.abort(new Error("user left")));
    const outcome = generateText({
      model: scriptedModel(flagged),
      tools: guardTools(tools, bankingPolicies(), { handler }),
      prompt: "pay ACME",
      stopWhen: isStepCount(3),
      abortSignal: controller.signal,
    }).catch((error: unknown) => error);
    expect(await outcome).toBeInstanceOf(Error);
    const record = await channel.getRecord(requests[0]!.id);
    expect(record?.decision?.status).toBe("cancelled");
    expect(handler.pendingCount).toBe(0);
    expect(ran).toHaveLength(0);
  });
});
