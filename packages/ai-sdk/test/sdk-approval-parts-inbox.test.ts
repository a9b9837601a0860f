/**
 * The AI SDK's own approval parts answered through a real inbox over HTTP: the request is
 * filed by HumanInTheLoopChannel, a reviewer decides over the inbox's API (a modification is
 * refused there), and a second handler on another channel ("another process") deciding the
 * same history picks up the same inbox request instead of filing a second one.
 */
import { HumanActionHandler, HumanInTheLoopChannel } from "@safeguards/core";
import {
  deferCleanup,
  eventually,
  inboxHandler,
  inboxReviewer,
  REVIEWER_TOKEN,
  transferCall,
} from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import { approvalRequestIdFor, decideApprovalRequests } from "../src/index.js";
import { firstTurn } from "./support/approval-turns.js";

const defer = deferCleanup();
const transfer = transferCall("t1");

describe("tool-approval-request parts decided over the inbox's HTTP API", () => {
  it("a modification is refused by the inbox; the rejection's reason reaches the response", async () => {
    const { url, handler } = await inboxHandler(defer, "bank-bot");
    const t = await firstTurn([transfer]);
    const reviewer = inboxReviewer(url, REVIEWER_TOKEN, (record) => {
      expect(record.metadata.tool_call_id).toBe("t1");
      return [
        { type: "modify", response_data: { amount: "1800.00" } },
        { type: "reject", comments: "payee not verified" },
      ];
    });
    defer(() => reviewer.stop());
    const decided = await decideApprovalRequests(t.history, {
      handler,
      policies: t.policies,
      tools: t.tools,
      agentId: "bank-bot",
    });
    await reviewer.stop();
    expect(reviewer.answers.map((a) => a.status >= 400)).toEqual([true, false]);
    const [response] = decided.responses;
    expect(response?.approved).toBe(false);
    expect(response?.reason).toContain("payee not verified");
    await t.answer(decided.responses);
    expect(t.ran).toEqual([]);
  });

  it("another process deciding the same history waits for the same inbox request", async () => {
    const { url, handler } = await inboxHandler(defer, "bank-bot");
    const t = await firstTurn([transfer]);
    const first = decideApprovalRequests(t.history, {
      handler,
      policies: t.policies,
      agentId: "bank-bot",
    });
    const request = t.result.content.find((p) => p.type === "tool-approval-request");
    const approvalId = request?.type === "tool-approval-request" ? request.approvalId : "";
    const id = approvalRequestIdFor(approvalId);
    await eventually(() => handler.getAction(id) !== undefined, 15_000);
    const channel = new HumanInTheLoopChannel();
    await channel.initialize({ webhookUrl: url, apiKey: "agent-key-bank-bot", pollInterval: 0.2 });
    defer(() => channel.shutdown());
    const other = new HumanActionHandler(channel, { onError: () => {} });
    defer(() => other.shutdown());
    const second = decideApprovalRequests(t.history, {
      handler: other,
      policies: t.policies,
      agentId: "bank-bot",
    });

    const seen: string[] = [];
    const reviewer = inboxReviewer(url, REVIEWER_TOKEN, (record) => {
      seen.push(record.id);
      return [{ type: "approve" }];
    });
    defer(() => reviewer.stop());
    const [a, b] = await Promise.all([first, second]);
    await reviewer.stop();
    expect(seen).toEqual([id]);
    expect(a.responses).toEqual([{ type: "tool-approval-response", approvalId, approved: true }]);
    expect(b.responses).toEqual(a.responses);
    await t.answer(a.responses);
    expect(t.ran).toEqual([{ tool: "transfer_funds", input: { amount: "2500.00", to: "ACME" } }]);
  });
});
