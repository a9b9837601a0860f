import { describe, expect, it } from "vitest";
import {
  type ApprovalChannel,
  type ApprovalRequest,
  definePolicies,
  ErrorCode,
  HumanActionHandler,
  InProcessApprovalChannel,
  SafeguardsError,
} from "../src/index.js";
import { reviewCall } from "../src/internal.js";

describe("reviewCall with a deterministic id", () => {
  it("files the request under that id, and a second review with the same id waits for it", async () => {
    const channel = new InProcessApprovalChannel();
    const handler = new HumanActionHandler(channel, { onError: () => {} });
    const requests: ApprovalRequest[] = [];
    channel.onRequest((r) => {
      requests.push(r);
      setImmediate(() => channel.approve(r.id));
    });
    const input = {
      policies: definePolicies({ pay: true }),
      handler,
      agentId: "a",
      toolName: "pay",
      args: { amount: "5.00" },
      id: "oai_fixed",
    };
    const first = await reviewCall(input);
    const second = await reviewCall(input);
    expect(requests.map((r) => r.id)).toEqual(["oai_fixed"]);
    expect(first.run && second.run).toBe(true);
    expect(second.action?.id).toBe("oai_fixed");
  });

  it("picks up the action another handler filed under the id when the channel refuses a second filing", async () => {
    const channel = new InProcessApprovalChannel();
    const first = new HumanActionHandler(channel, { onError: () => {} });
    const input = {
      policies: definePolicies({ pay: true }),
      agentId: "a",
      toolName: "pay",
      args: { amount: "5.00" },
      id: "oai_fixed",
    };
    await first.requestAction({
      id: "oai_fixed",
      title: "filed by another process",
      description: "",
      agentId: "a",
      action: { name: "pay", args: { amount: "5.00" } },
    });
    // A channel that refuses the second filing of an id (as the inbox does: 409).
    const refusing = {
      onDecision: (listener: Parameters<ApprovalChannel["onDecision"]>[0]) =>
        channel.onDecision(listener),
      getRecord: (id: string) => channel.getRecord(id),
      submitRequest: async () => {
        throw new SafeguardsError(ErrorCode.CONFLICT, "409 conflict");
      },
    } as unknown as ApprovalChannel;
    const second = new HumanActionHandler(refusing, { onError: () => {} });
    const review = reviewCall({ ...input, handler: second });
    setImmediate(() => channel.reject("oai_fixed", { comments: "no" }));
    const result = await review;
    expect(result.run).toBe(false);
    expect(result.action?.id).toBe("oai_fixed");
    expect(!result.run && result.reason).toContain("rejected this call");
  });

  it("fails closed when the action filed under the id is about another call", async () => {
    const channel = new InProcessApprovalChannel();
    const handler = new HumanActionHandler(channel, { onError: () => {} });
    const requests: ApprovalRequest[] = [];
    channel.onRequest((r) => requests.push(r));
    for (const [field, filed] of [
      ["arguments", { agentId: "a", name: "pay", amount: "9.00" }],
      ["tool", { agentId: "a", name: "refund", amount: "5.00" }],
      ["agent", { agentId: "b", name: "pay", amount: "5.00" }],
    ] as const) {
      const id = `oai_${field}`;
      await handler.requestAction({
        id,
        title: "an earlier filing",
        description: "",
        agentId: filed.agentId,
        action: { name: filed.name, args: { amount: filed.amount } },
      });
      const result = await reviewCall({
        policies: definePolicies({ pay: true }),
        handler,
        agentId: "a",
        toolName: "pay",
        args: { amount: "5.00" },
        id,
      });
      expect(result.run).toBe(false);
      expect(!result.run && result.status).toBe("failed");
      expect(!result.run && result.reason).toContain(
        `filed earlier for another call (its ${field}`,
      );
    }
    expect(requests).toHaveLength(3); // nothing filed a second time
  });
});
