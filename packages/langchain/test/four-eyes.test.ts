/**
 * A policy's approvers reach the approval: `withApproval` and `approvalMiddleware` ("wait")
 * file `assignees`, `requiredApprovals` and `escalation` with the request and run the tool
 * only once two of finance approved; in "interrupt" mode the interrupt carries them, and a
 * resume with one answer is refused.
 */
import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import { MemorySaver } from "@langchain/langgraph";
import { ErrorCode, isSafeguardsError } from "@safeguards/core";
import {
  deferCleanup,
  expectFourEyesRequest,
  FINANCE_REVIEWERS,
  FOUR_EYES,
  fourEyesInboxWithReviewers,
  fourEyesReview,
} from "@safeguards/test-support";
import { createAgent } from "langchain";
import { describe, expect, it } from "vitest";
import {
  approvalMiddleware,
  listPendingApprovals,
  resumeApprovals,
  withApproval,
} from "../src/index.js";
import { approvals, bankingPolicies, bankingTools } from "./support/banking.js";

const defer = deferCleanup();
const transfer = { name: "transfer_funds", args: { amount: "2500.00", to: "ACME" }, id: "t1" };

describe("four eyes in LangChain", () => {
  it("withApproval files the policy's approvers and runs the tool only after the second approval", async () => {
    const { transferFunds, ran } = bankingTools();
    const { handler, requests, between } = fourEyesReview(() => ran.length);
    const guarded = withApproval(transferFunds, bankingPolicies(FOUR_EYES), { handler });
    const result = await guarded.invoke({ ...transfer, type: "tool_call" });
    expectFourEyesRequest(requests[0]);
    expect(between).toEqual([0]);
    expect((result as ToolMessage).content).toBe("Transferred 2500.00 to ACME");
    expect(ran).toHaveLength(1);
    const action = handler.getAction(requests[0]!.id);
    expect(action?.decision?.approvals?.map((a) => a.reviewer)).toEqual(["alice", "bob"]);
  });

  it('approvalMiddleware ("wait") files them too; a veto after one approval does not run it', async () => {
    const { transferFunds, getBalance, ran } = bankingTools();
    const { handler, requests, reviewer, channel } = approvals({ reviewers: FINANCE_REVIEWERS });
    reviewer((r) => {
      channel.approve(r.id, { reviewer: "alice" });
      channel.reject(r.id, { reviewer: "bob", comments: "unknown payee" });
    });
    const agent = createAgent({
      model: fakeModel().respondWithTools([transfer]).respond(new AIMessage("done")),
      tools: [transferFunds, getBalance],
      middleware: [
        approvalMiddleware({ policies: bankingPolicies(FOUR_EYES), handler, mode: "wait" }),
      ],
    });
    const result = await agent.invoke({ messages: [new HumanMessage("pay")] });
    expectFourEyesRequest(requests[0]);
    expect(ran).toEqual([]);
    const [message] = result.messages.filter(ToolMessage.isInstance);
    expect(String(message?.content)).toMatch(/rejected this call \(bob\): unknown payee/);
  });

  it('approvalMiddleware ("interrupt") puts them in the interrupt; one approval cannot resume it', async () => {
    const { transferFunds, getBalance, ran } = bankingTools();
    const agent = createAgent({
      model: fakeModel().respondWithTools([transfer]).respond(new AIMessage("done")),
      tools: [transferFunds, getBalance],
      middleware: [approvalMiddleware({ policies: bankingPolicies(FOUR_EYES), mode: "interrupt" })],
      checkpointer: new MemorySaver(),
    });
    const config = { configurable: { thread_id: "four-eyes" } };
    await agent.invoke({ messages: [new HumanMessage("pay")] }, config);
    const [pending] = await listPendingApprovals(agent, config);
    expect(pending?.payload).toMatchObject({
      required_approvals: 2,
      assignees: ["group:finance"],
      escalation: [{ after_seconds: 60, assignees: ["group:cfo"] }],
    });
    const refused = await resumeApprovals(agent, config, { t1: { type: "approve" } }).catch(
      (error: unknown) => error,
    );
    expect(isSafeguardsError(refused, ErrorCode.DECISION_NOT_ALLOWED)).toBe(true);
    expect(ran).toEqual([]);
    await resumeApprovals(agent, config, { t1: { type: "approve", approvals: ["alice", "bob"] } });
    expect(ran).toHaveLength(1);
  });
});

describe("four eyes in LangChain, through a real inbox over HTTP", () => {
  it("withApproval files the approvers with the inbox, which counts alice and bob once each", async () => {
    const { transferFunds, ran } = bankingTools();
    const { handler, reviewers } = await fourEyesInboxWithReviewers(defer, () => ran.length);
    const guarded = withApproval(transferFunds, bankingPolicies(FOUR_EYES), {
      handler,
      agentId: "bank-bot",
    });
    const result = await guarded.invoke({ ...transfer, type: "tool_call" });
    await reviewers.expectFourEyes();
    expect((result as ToolMessage).content).toBe("Transferred 2500.00 to ACME");
    const action = handler.getAction(String(reviewers.records[0]?.id));
    expect(action?.approvals.map((a) => [a.reviewer, a.comments])).toEqual([
      ["alice", "ok"],
      ["bob", undefined],
    ]);
  });
});
