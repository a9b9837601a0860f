/**
 * A policy's approvers reach the approval: `resolveInterruptions` files `assignees`,
 * `requiredApprovals` and `escalation`, and approves the SDK's interruption only once two of
 * finance approved.
 */
import { run } from "@openai/agents";
import {
  bankingPolicies,
  deferCleanup,
  expectFourEyesRequest,
  FOUR_EYES,
  fourEyesInboxWithReviewers,
  fourEyesReview,
  transferCall,
} from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import { resolveInterruptions } from "../src/index.js";
import { bankingAgent, scriptedModel } from "./support/scripted.js";

const defer = deferCleanup();
const transfer = transferCall();

describe("four eyes with the OpenAI Agents SDK", () => {
  it("resolveInterruptions files the policy's approvers and runs the tool only after the second approval", async () => {
    const { model } = scriptedModel([transfer]);
    const policies = bankingPolicies(FOUR_EYES);
    const { agent, ran } = bankingAgent(model, policies);
    const { handler, requests, between } = fourEyesReview(() => ran.length);
    const first = await run(agent, "pay ACME");
    const { state, decisions } = await resolveInterruptions(first, { handler, policies });
    expectFourEyesRequest(requests[0]);
    expect(between).toEqual([0]);
    expect(decisions.map((d) => d.approved)).toEqual([true]);
    expect(handler.getAction(requests[0]!.id)?.approvals.map((a) => a.reviewer)).toEqual([
      "alice",
      "bob",
    ]);
    await run(agent, state);
    expect(ran).toEqual([{ tool: "transfer_funds", input: { amount: "2500.00", to: "ACME" } }]);
  });
});

describe("four eyes with the OpenAI Agents SDK, through a real inbox over HTTP", () => {
  it("resolveInterruptions files the approvers with the inbox; the tool runs after alice and bob", async () => {
    const { model } = scriptedModel([transfer]);
    const policies = bankingPolicies(FOUR_EYES);
    const { agent, ran } = bankingAgent(model, policies);
    const { handler, reviewers } = await fourEyesInboxWithReviewers(defer, () => ran.length);
    const first = await run(agent, "pay ACME");
    const { state } = await resolveInterruptions(first, { handler, policies, agentId: "bank-bot" });
    await reviewers.expectFourEyes();
    await run(agent, state);
    expect(ran).toEqual([{ tool: "transfer_funds", input: { amount: "2500.00", to: "ACME" } }]);
  });
});
