import { MemorySaver } from "@langchain/langgraph";
import { InProcessApprovalChannel } from "@safeguards/core";
import { createInboxBridge, listPendingApprovals } from "@safeguards/langgraph";
import { describe, expect, it } from "vitest";
import { middlewareAgent, script, toolResults } from "./contract/agents.js";

const small = { name: "transfer_funds", args: { amount: "2500.00", to: "ACME" }, id: "call_small" };
const big = { name: "transfer_funds", args: { amount: "90000.00", to: "EVIL" }, id: "call_big" };
const read = { name: "get_balance", args: {}, id: "call_read" };

describe("createInboxBridge with a createAgent agent paused by approvalMiddleware", () => {
  for (const oneAtATime of [false, true]) {
    it(`files its approvals and resumes it with the reviewers' decisions${oneAtATime ? " (oneAtATime)" : ""}`, async () => {
      const graph = middlewareAgent({ checkpointer: new MemorySaver(), oneAtATime }).graph;
      const config = { configurable: { thread_id: `agent-${oneAtATime}` } };
      await graph.invoke({ messages: [script([small, big, read])] }, config);
      const channel = new InProcessApprovalChannel();
      const resumed: unknown[] = [];
      const bridge = createInboxBridge({ graph, channel, onResumed: (_t, r) => resumed.push(r) });
      try {
        const filed = await bridge.file(config.configurable.thread_id);
        expect(filed.map((p) => p.toolCallId)).toEqual(
          oneAtATime ? ["call_small"] : ["call_small", "call_big"],
        );
        const request = (toolCallId: string) => {
          const found = channel.pending().find((r) => r.metadata.tool_call_id === toolCallId);
          expect(found, `${toolCallId} was filed`).toBeDefined();
          return found!;
        };
        expect(request("call_small").action).toMatchObject({
          name: "transfer_funds",
          args: small.args,
          argsSchema: expect.objectContaining({ type: "object" }),
        });
        channel.modify(request("call_small").id, { amount: "1800.00" }, { reviewer: "ana" });
        await bridge.idle();
        if (oneAtATime) {
          // the next card surfaced after the first was answered, and the bridge filed it
          expect((await listPendingApprovals(graph, config)).map((p) => p.toolCallId)).toEqual([
            "call_big",
          ]);
        }
        channel.reject(request("call_big").id, { reviewer: "ana", comments: "unknown payee" });
        await bridge.idle();
        expect(await listPendingApprovals(graph, config)).toEqual([]);
        const state = await graph.getState(config);
        const results = toolResults((state.values as { messages: unknown[] }).messages);
        expect(results.call_small).toMatchObject({ ran: true, count: 1 });
        expect(results.call_small!.content).toContain("Transferred 1800.00 to ACME");
        expect(results.call_big).toMatchObject({ ran: false, count: 1 });
        expect(results.call_big!.content).toContain("unknown payee");
        expect(results.call_read).toMatchObject({ ran: true, count: 1 });
        expect(resumed.length).toBeGreaterThan(0);
      } finally {
        bridge.stop();
      }
    });
  }
});
