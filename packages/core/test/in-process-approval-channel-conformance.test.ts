/**
 * The channel conformance kit on InProcessApprovalChannel. Its transport is the channel's own
 * `notifications` list: alerts arrive as objects (rendered here as their JSON), it needs no
 * setup (ready before `initialize`) and cannot fail.
 */
import { InProcessApprovalChannel } from "../src/channels/in-process-approval-channel.js";
import { describeChannelConformance } from "../src/testing/index.js";

/** The channels of the current test; each one's `notifications` is part of the transport. */
let channels: InProcessApprovalChannel[] = [];

describeChannelConformance({
  name: "InProcessApprovalChannel",
  create: () => {
    const channel = new InProcessApprovalChannel();
    channels.push(channel);
    return channel;
  },
  startTransport: () => {
    channels = [];
    return {
      config: {},
      received: () =>
        channels.flatMap((c) => c.notifications.map((alert) => ({ raw: JSON.stringify(alert) }))),
      fail: () => {}, // an in-memory list cannot fail (transportCanFail: false)
      close: () => {},
    };
  },
  invalidConfigs: [
    { config: { reviewer: "alice" }, key: "reviewer" },
    { config: { clock: {} }, key: "clock" },
  ],
  readyWithoutInitialize: true,
  transportCanFail: false,
  timeoutConfig: false, // no network: nothing can be slow
});
