/**
 * The AI SDK's own approval parts in `streamText`: a flagged call of a streamed step ends the
 * stream as a tool-approval-request, decideApprovalRequests answers it from the step's
 * content, and the next streamText call with the response runs the approved call.
 */
import { approvals, bankingPolicies } from "@safeguards/test-support";
import { isStepCount, type ModelMessage, streamText } from "ai";
import { describe, expect, it } from "vitest";
import { decideApprovalRequests, requireApprovals } from "../src/index.js";
import { bankingTools, scriptedStreamModel } from "./support/scripted.js";

describe("tool-approval-request parts in streamText", () => {
  it("files the streamed request; the approved call runs in the next streamText call", async () => {
    const { ran, tools } = bankingTools();
    const policies = bankingPolicies();
    const gated = requireApprovals(tools, policies);
    const model = scriptedStreamModel([
      { id: "call_a", name: "transfer_funds", input: { amount: "3000.00", to: "ACME" } },
      { id: "call_b", name: "get_balance", input: {} },
    ]);
    const messages: ModelMessage[] = [{ role: "user", content: "pay ACME" }];
    const first = streamText({ model, tools: gated, messages, stopWhen: isStepCount(3) });
    const content = await first.content;
    expect(ran).toEqual([{ tool: "get_balance", input: {} }]);

    const { handler, requests, reviewer, channel } = approvals();
    reviewer((r) => channel.approve(r.id));
    const decided = await decideApprovalRequests({ content }, { handler, policies });
    expect(requests).toHaveLength(1);
    expect(decided.responses).toHaveLength(1);

    messages.push(...(await first.response).messages);
    messages.push({ role: "tool", content: decided.responses });
    const next = streamText({ model, tools: gated, messages, stopWhen: isStepCount(3) });
    expect(await next.text).toBe("done");
    expect(ran).toContainEqual({
      tool: "transfer_funds",
      input: { amount: "3000.00", to: "ACME" },
    });
  });
});
