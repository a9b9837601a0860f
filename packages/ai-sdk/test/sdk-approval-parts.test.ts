/**
 * The AI SDK's own approval flow driven by Safeguards policies: needsApproval from the
 * policies, a flagged call surfacing as a tool-approval-request in generateText, the request
 * filed through a HumanActionHandler (in-process channel, scripted reviewer), and the returned
 * tool-approval-response deciding whether the next generateText call runs the tool.
 */
import { ErrorCode, SafeguardsError } from "@safeguards/core";
import { approvals, bankingPolicies, eventually } from "@safeguards/test-support";
import type { ModelMessage } from "ai";
import { describe, expect, it } from "vitest";
import { approvalRequestIdFor, decideApprovalRequests, needsApprovalFrom } from "../src/index.js";
import { firstTurn } from "./support/approval-turns.js";
import type { ScriptedCall } from "./support/scripted.js";

const transfer = (amount: string, id = "call_1"): ScriptedCall => ({
  id,
  name: "transfer_funds",
  input: { amount, to: "ACME" },
});

/** Waits until `condition` holds (the bound only ends a failing test, with room for a loaded machine). */
async function until(condition: () => boolean): Promise<void> {
  await eventually(condition, 15_000);
}

describe("the AI SDK's own approval parts, decided through a HumanActionHandler", () => {
  it("needsApprovalFrom flags only what the policy flags (synchronously for a sync policy)", () => {
    const needs = needsApprovalFrom(bankingPolicies(), { name: "transfer_funds" });
    expect(needs({ amount: "2500.00", to: "ACME" }, { toolCallId: "c" })).toBe(true);
    expect(needs({ amount: "500.00", to: "ACME" }, { toolCallId: "c" })).toBe(false);
    expect(() => needsApprovalFrom(bankingPolicies())).toThrow(/give options.name/);
  });

  it("an un-flagged call runs at once and nothing is filed", async () => {
    const t = await firstTurn([transfer("500.00")]);
    expect(t.ran).toEqual([{ tool: "transfer_funds", input: { amount: "500.00", to: "ACME" } }]);
    expect(t.result.content.some((p) => p.type === "tool-approval-request")).toBe(false);
    const { handler, requests } = approvals();
    const decided = await decideApprovalRequests(t.history, { handler, policies: t.policies });
    expect(decided.responses).toEqual([]);
    expect(requests).toHaveLength(0);
  });

  it("files a flagged call's request; an approval runs the tool in the next generateText call", async () => {
    const t = await firstTurn([transfer("2500.00")]);
    expect(t.ran).toEqual([]);
    const request = t.result.content.find((p) => p.type === "tool-approval-request");
    expect(request?.type).toBe("tool-approval-request");
    const approvalId = request?.type === "tool-approval-request" ? request.approvalId : "";

    const { handler, requests, reviewer, channel } = approvals();
    reviewer((r) => channel.approve(r.id, { reviewer: "alice" }));
    const decided = await decideApprovalRequests(t.result, {
      handler,
      policies: t.policies,
      tools: t.tools,
      agentId: "bank-bot",
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.id).toBe(approvalRequestIdFor(approvalId));
    expect(requests[0]?.title).toBe("Approve $2500.00 transfer");
    expect(requests[0]?.agentId).toBe("bank-bot");
    expect(requests[0]?.action?.args).toEqual({ amount: "2500.00", to: "ACME" });
    expect(requests[0]?.metadata).toMatchObject({
      tool_call_id: "call_1",
      approval_id: approvalId,
    });
    const schema = requests[0]?.action?.argsSchema as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(["amount", "to"]);
    expect(requests[0]?.allowedDecisions).not.toContain("modify");
    expect(decided.byApprovalId[approvalId]).toEqual({
      type: "tool-approval-response",
      approvalId,
      approved: true,
    });

    const next = await t.answer(decided.responses);
    expect(t.ran).toEqual([{ tool: "transfer_funds", input: { amount: "2500.00", to: "ACME" } }]);
    expect(next.text).toBe("done");
  });

  it("a rejection carries the reviewer's reason and the tool never runs", async () => {
    const t = await firstTurn([transfer("2500.00")]);
    const { handler, reviewer, channel } = approvals();
    reviewer((r) => channel.reject(r.id, { reviewer: "bob", comments: "payee not verified" }));
    const decided = await decideApprovalRequests(t.history, { handler, policies: t.policies });
    const [response] = decided.responses;
    expect(response?.approved).toBe(false);
    expect(response?.reason).toContain("(bob)");
    expect(response?.reason).toContain("payee not verified");
    await t.answer(decided.responses);
    expect(t.ran).toEqual([]);
  });

  it("modify is not offered on this path: the channel refuses it", async () => {
    const t = await firstTurn([transfer("2500.00")]);
    const { handler, channel, requests } = approvals();
    const decided = decideApprovalRequests(t.result, { handler, policies: t.policies });
    await until(() => requests.length === 1);
    expect(() => channel.modify(requests[0]!.id, { amount: "1800.00" })).toThrow(
      expect.objectContaining({ code: ErrorCode.DECISION_NOT_ALLOWED }),
    );
    channel.reject(requests[0]!.id, { comments: "no" });
    expect((await decided).responses[0]?.approved).toBe(false);
  });

  it("a modification that arrives anyway (filed with modify allowed) becomes a denial saying what changed", async () => {
    const t = await firstTurn([transfer("2500.00")]);
    const { handler, channel } = approvals();
    const request = t.result.content.find((p) => p.type === "tool-approval-request");
    const approvalId = request?.type === "tool-approval-request" ? request.approvalId : "";
    await handler.requestAction({
      id: approvalRequestIdFor(approvalId),
      title: "filed earlier, with modify allowed",
      description: "an older filing",
      agentId: "bank-bot",
      action: { name: "transfer_funds", args: { amount: "2500.00", to: "ACME" } },
      allowedDecisions: ["approve", "modify", "reject"],
    });
    setImmediate(() =>
      channel.modify(
        approvalRequestIdFor(approvalId),
        { amount: "1800.00" },
        { reviewer: "alice" },
      ),
    );
    const decided = await decideApprovalRequests(t.result, {
      handler,
      policies: t.policies,
      agentId: "bank-bot",
    });
    const [response] = decided.responses;
    expect(response?.approved).toBe(false);
    expect(response?.reason).toContain('amount: "2500.00" -> "1800.00"');
    expect(response?.reason).toContain("(alice)");
    await t.answer(decided.responses);
    expect(t.ran).toEqual([]);
  });

  it("refuses a request filed earlier under the approval id for another call (SAFEGUARDS_CONFLICT)", async () => {
    const t = await firstTurn([transfer("2500.00")]);
    const { handler, requests } = approvals();
    const request = t.result.content.find((p) => p.type === "tool-approval-request");
    const approvalId = request?.type === "tool-approval-request" ? request.approvalId : "";
    await handler.requestAction({
      id: approvalRequestIdFor(approvalId),
      title: "filed earlier for other arguments",
      description: "",
      agentId: "bank-bot",
      action: { name: "transfer_funds", args: { amount: "25.00", to: "ACME" } },
    });
    const decided = decideApprovalRequests(t.result, {
      handler,
      policies: t.policies,
      agentId: "bank-bot",
    });
    await expect(decided).rejects.toMatchObject({
      code: "SAFEGUARDS_CONFLICT",
      message: expect.stringContaining("filed earlier for another call (its arguments differ)"),
    });
    expect(requests).toHaveLength(1);
    expect(t.ran).toEqual([]);
  });

  it("a timeout follows the policy's onTimeout", async () => {
    for (const onTimeout of ["reject", "approve"] as const) {
      const t = await firstTurn([transfer("2500.00")], { timeoutSeconds: 60, onTimeout });
      const { handler, clock } = approvals();
      const pending = decideApprovalRequests(t.result, { handler, policies: t.policies });
      await new Promise((resolve) => setImmediate(resolve));
      clock.advance(61_000);
      const [response] = (await pending).responses;
      expect(response?.approved).toBe(onTimeout === "approve");
      await t.answer((await pending).responses);
      expect(t.ran.length).toBe(onTimeout === "approve" ? 1 : 0);
    }
  });

  it("parallel calls are decided one by one; the approved sibling of a rejected call runs", async () => {
    const t = await firstTurn([transfer("2500.00", "call_a"), transfer("3000.00", "call_b")]);
    const { handler, reviewer, channel, requests } = approvals();
    reviewer((r) =>
      r.action?.args.amount === "2500.00"
        ? channel.approve(r.id)
        : channel.reject(r.id, { comments: "too much" }),
    );
    const decided = await decideApprovalRequests(t.result, { handler, policies: t.policies });
    expect(requests).toHaveLength(2);
    await t.answer(decided.responses);
    expect(t.ran).toEqual([{ tool: "transfer_funds", input: { amount: "2500.00", to: "ACME" } }]);
  });

  it("refuses unknown approval ids with a SafeguardsError, before filing anything", async () => {
    const t = await firstTurn([transfer("2500.00")]);
    const { handler, requests } = approvals();
    const refused = await decideApprovalRequests(t.result, {
      handler,
      policies: t.policies,
      approvalIds: ["not-a-real-id"],
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SafeguardsError);
    expect((refused as SafeguardsError).code).toBe(ErrorCode.NOT_FOUND);
    expect((refused as Error).message).toContain("not-a-real-id");
    expect(requests).toHaveLength(0);
  });

  it("refiling the same request is idempotent: one request, the same decision", async () => {
    const t = await firstTurn([transfer("2500.00")]);
    const { handler, requests, channel } = approvals();
    const first = decideApprovalRequests(t.result, { handler, policies: t.policies });
    const again = decideApprovalRequests(t.history, { handler, policies: t.policies });
    await until(() => requests.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(requests).toHaveLength(1);
    channel.approve(requests[0]!.id);
    const [a, b] = await Promise.all([first, again]);
    expect(a.responses).toEqual(b.responses);
    const third = await decideApprovalRequests(t.result, { handler, policies: t.policies });
    expect(third.responses).toEqual(a.responses);
    expect(requests).toHaveLength(1);
  });

  it("answered requests are no longer pending", async () => {
    const t = await firstTurn([transfer("2500.00")]);
    const { handler, reviewer, channel, requests } = approvals();
    reviewer((r) => channel.approve(r.id));
    const decided = await decideApprovalRequests(t.history, { handler, policies: t.policies });
    const answered = [...t.history, { role: "tool", content: decided.responses } as ModelMessage];
    const again = await decideApprovalRequests(answered, { handler, policies: t.policies });
    expect(again.responses).toEqual([]);
    expect(requests).toHaveLength(1);
  });
});
