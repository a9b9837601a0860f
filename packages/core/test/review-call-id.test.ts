import { describe, expect, it } from "vitest";
import {
  type ApprovalRequest,
  definePolicies,
  HumanActionHandler,
  InProcessApprovalChannel,
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
});
