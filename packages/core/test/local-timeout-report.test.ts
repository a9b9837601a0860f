import {
  ActionStatus,
  type ApprovalDecision,
  ChannelDeliveryError,
  createManualClock,
  HumanActionHandler,
  InProcessApprovalChannel,
} from "@safeguards/core";
import { describe, expect, it } from "vitest";

const base = { title: "Pay", description: "Pay $2500.00", agentId: "financial_advisor" };
const flush = () => new Promise((r) => setImmediate(r));

/** A channel whose inbox cannot be reached at the deadline, recording local-timeout reports. */
class CutOffChannel extends InProcessApprovalChannel {
  reports: [string, number][] = [];
  unreachable = true;
  throwOnReport = false;
  override async expireRequest(id: string): Promise<ApprovalDecision | undefined> {
    if (this.unreachable) throw new ChannelDeliveryError("the inbox is unreachable");
    return super.expireRequest(id);
  }
  reportLocalTimeout(id: string, timedOutAt: Date): void {
    if (this.throwOnReport) throw new Error("report failed");
    this.reports.push([id, timedOutAt.getTime()]);
  }
}

function setup() {
  const clock = createManualClock();
  const channel = new CutOffChannel({ clock });
  const phases: string[] = [];
  const handler = new HumanActionHandler(channel, {
    clock,
    expiryGraceSeconds: 1,
    onError: (_error, context) => phases.push(context.phase),
  });
  return { clock, channel, handler, phases };
}

describe("HumanActionHandler reports a local timeout to its channel", () => {
  it("once, with the deadline's time, when the channel had no decision at the deadline", async () => {
    const { clock, channel, handler } = setup();
    const action = await handler.requestAction({ ...base, timeoutSeconds: 5 });
    const deadline = clock.now() + 5_000;
    const waited = handler.waitForAction(action);
    clock.advance(5_000);
    await expect(waited).resolves.toBe(ActionStatus.TIMED_OUT);
    await flush();
    expect(channel.reports).toEqual([[action.id, deadline]]);
  });

  it("not when the channel answers a decision recorded before the deadline", async () => {
    const { clock, channel, handler } = setup();
    channel.unreachable = false;
    channel.onDecision = () => () => {}; // decisions reach the handler only through expiry
    const action = await handler.requestAction({ ...base, timeoutSeconds: 5 });
    const waited = handler.waitForAction(action);
    clock.advance(4_999);
    channel.approve(action.id);
    clock.advance(1);
    await expect(waited).resolves.toBe(ActionStatus.APPROVED);
    await flush();
    expect(channel.reports).toEqual([]);
  });

  it("not when a decision settled the action while the deadline's read was under way", async () => {
    const { clock, channel, handler } = setup();
    const held: (() => void)[] = [];
    const onDecision = channel.onDecision.bind(channel);
    channel.onDecision = (listener) =>
      onDecision((id, decision) => held.push(() => listener(id, decision)));
    let release: () => void = () => {};
    channel.expireRequest = async () => {
      await new Promise<void>((r) => {
        release = r;
      });
      throw new ChannelDeliveryError("the inbox is unreachable");
    };
    const action = await handler.requestAction({ ...base, timeoutSeconds: 5 });
    const waited = handler.waitForAction(action);
    clock.advance(4_999);
    channel.approve(action.id); // recorded before the deadline, delivered late
    clock.advance(1);
    await flush();
    for (const deliver of held) deliver(); // arrives during the expiry read
    release();
    await expect(waited).resolves.toBe(ActionStatus.APPROVED);
    await flush();
    expect(channel.reports).toEqual([]);
  });

  it("survives a channel whose report throws (reported to onError)", async () => {
    const { clock, channel, handler, phases } = setup();
    channel.throwOnReport = true;
    const action = await handler.requestAction({ ...base, timeoutSeconds: 5 });
    const waited = handler.waitForAction(action);
    clock.advance(5_000);
    await expect(waited).resolves.toBe(ActionStatus.TIMED_OUT);
    expect(phases).toEqual(["expire", "expire"]); // the failed read, then the failed report
  });
});
