/**
 * A policy's approvers reach the approval in both AI SDK flows: `guardTools` (waits inside
 * the tool) and `decideApprovalRequests` (the SDK's own approval parts) file `assignees`,
 * `requiredApprovals` and `escalation`, and the call runs only once two of finance approved.
 */
import {
  bankingPolicies,
  deferCleanup,
  expectFourEyesRequest,
  FOUR_EYES,
  fourEyesInboxWithReviewers,
  fourEyesReview,
  transferCall,
} from "@safeguards/test-support";
import { generateText, isStepCount } from "ai";
import { describe, expect, it } from "vitest";
import { decideApprovalRequests, guardTools } from "../src/index.js";
import { firstTurn } from "./support/approval-turns.js";
import { bankingTools, scriptedModel, toolResultsSeen } from "./support/scripted.js";

const defer = deferCleanup();
const transfer = transferCall();

describe("four eyes with the AI SDK", () => {
  it("guardTools files the policy's approvers and runs the tool only after the second approval", async () => {
    const { ran, tools } = bankingTools();
    const { handler, requests, between } = fourEyesReview(() => ran.length);
    const guarded = guardTools(tools, bankingPolicies(FOUR_EYES), { handler });
    const model = scriptedModel([transfer]);
    await generateText({ model, tools: guarded, prompt: "pay", stopWhen: isStepCount(3) });
    expectFourEyesRequest(requests[0]);
    expect(between).toEqual([0]);
    expect(ran).toHaveLength(1);
    expect(toolResultsSeen(model).call_1).toEqual({
      type: "text",
      value: "Transferred 2500.00 to ACME",
    });
  });

  it("decideApprovalRequests files them and approves the SDK's request only with two approvals", async () => {
    const t = await firstTurn([transfer], FOUR_EYES);
    let settled = false;
    const { handler, requests, between } = fourEyesReview(() => settled);
    const decided = decideApprovalRequests(t.result, { handler, policies: t.policies });
    void decided.then(() => {
      settled = true;
    });
    const { responses } = await decided;
    expectFourEyesRequest(requests[0]);
    expect(between).toEqual([false]);
    expect(responses).toMatchObject([{ type: "tool-approval-response", approved: true }]);
    await t.answer(responses);
    expect(t.ran).toEqual([{ tool: "transfer_funds", input: { amount: "2500.00", to: "ACME" } }]);
  });
});

describe("four eyes with the AI SDK, through a real inbox over HTTP", () => {
  it("guardTools files the approvers with the inbox; the tool runs after alice and bob", async () => {
    const { ran, tools } = bankingTools();
    const { handler, reviewers } = await fourEyesInboxWithReviewers(defer, () => ran.length);
    const guarded = guardTools(tools, bankingPolicies(FOUR_EYES), { handler, agentId: "bank-bot" });
    await generateText({
      model: scriptedModel([transfer]),
      tools: guarded,
      prompt: "pay",
      stopWhen: isStepCount(3),
    });
    await reviewers.expectFourEyes();
    expect(ran).toHaveLength(1);
  });
});
