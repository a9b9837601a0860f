/**
 * End to end, each outcome of the guide's Complete Example: agent -> HTTP -> inbox ->
 * reviewer decision over HTTP -> agent, with real sockets on 127.0.0.1.
 */
import {
  ActionStatus,
  createManualClock,
  HumanActionHandler,
  type HumanInTheLoopChannel,
} from "@safeguards/core";
import { eventually } from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import type { Inbox } from "../src/index.js";
import {
  agentChannel,
  agentPerTest,
  fileTransaction,
  finish,
  review,
  TRANSACTION,
} from "./e2e-helpers.js";
import { AGENT_B_KEY } from "./helpers.js";

const startAgent = agentPerTest();
let inbox: Inbox | undefined;
let channel: HumanInTheLoopChannel | undefined;
let handler: HumanActionHandler | undefined;

async function setup(clock?: ReturnType<typeof createManualClock>) {
  const started = await startAgent(clock ? { inbox: { clock } } : {});
  ({ inbox, channel, handler } = started);
  return started.url;
}

describe("guide's Complete Example over HTTP", () => {
  it("approved: the agent runs the original transaction and sees the reviewer", async () => {
    const url = await setup();
    const action = await fileTransaction(handler!);
    const done = finish(handler!, action);
    await review(url, action.id, { type: "approve", comments: "ok" });
    const { status, ran } = await done;
    expect(status).toBe(ActionStatus.APPROVED);
    expect(ran).toEqual([TRANSACTION]);
    expect(action.reviewer).toBe("alice");
    expect(action.comments).toBe("ok");
  });

  it("modified: the agent runs with amount 1800.00", async () => {
    const url = await setup();
    const action = await fileTransaction(handler!);
    const done = finish(handler!, action);
    await review(url, action.id, {
      type: "modify",
      response_data: { amount: "1800.00" },
      comments: "reduced to 1800",
    });
    const { status, ran } = await done;
    expect(status).toBe(ActionStatus.MODIFIED);
    expect(action.responseData).toEqual({ amount: "1800.00" });
    expect(ran).toEqual([{ ...TRANSACTION, amount: "1800.00" }]);
  });

  it("rejected: nothing runs and the agent gets the reason", async () => {
    const url = await setup();
    const action = await fileTransaction(handler!);
    const done = finish(handler!, action);
    await review(url, action.id, { type: "reject", comments: "too risky" });
    const { status, ran } = await done;
    expect(status).toBe(ActionStatus.REJECTED);
    expect(ran).toEqual([]);
    expect(action.comments).toBe("too risky");
  });

  it("timed out: the inbox expires the action and the agent hears it, nothing runs", async () => {
    const clock = createManualClock(Date.now());
    await setup(clock);
    const action = await fileTransaction(handler!, 60);
    const done = finish(handler!, action);
    await eventually(() => channel!.pendingCount === 1);
    await new Promise((r) => setTimeout(r, 50)); // the long poll is now held
    clock.advance(61_000);
    await inbox!.sweepExpired();
    const { status, ran } = await done;
    expect(status).toBe(ActionStatus.TIMED_OUT);
    expect(ran).toEqual([]);
    // decided by the inbox (its clock), long before the agent's own 60 s deadline
    expect(action.decidedAt?.getTime()).toBeGreaterThanOrEqual(action.expiresAt.getTime());
  });

  it("the guide's channel timeoutSeconds (60) is the approval timeout the inbox enforces", async () => {
    const clock = createManualClock(Date.now());
    const started = await startAgent({
      inbox: { clock },
      channel: { timeoutSeconds: 60, pollInterval: 5 },
    });
    const { channel: guideChannel, handler, inbox } = started;
    const action = await fileTransaction(handler);
    expect(action.expiresAt.getTime() - action.requestedAt.getTime()).toBe(60_000);
    const done = finish(handler, action);
    await eventually(() => guideChannel.pendingCount === 1);
    await new Promise((r) => setTimeout(r, 50)); // the long poll is now held
    clock.advance(59_000);
    await inbox.sweepExpired();
    expect((await guideChannel.getRecord(action.id))?.decision).toBeNull();
    clock.advance(2_000);
    await inbox.sweepExpired();
    expect((await done).status).toBe(ActionStatus.TIMED_OUT);
  });

  it("callbacks: the non-blocking style of the guide hears the same decision", async () => {
    const url = await setup();
    const heard: string[] = [];
    const action = await handler!.requestAction({
      title: "Approve High-Value Transaction",
      description: "callback style",
      agentId: "financial_advisor",
      metadata: TRANSACTION,
      callbacks: [(a) => void heard.push(`${a.status}:${a.reviewer}`)],
    });
    await review(url, action.id, { type: "approve" });
    await eventually(() => heard.length === 1);
    expect(heard).toEqual(["approved:alice"]);
  });

  it("another agent's key can neither resume nor hear this agent's action", async () => {
    const url = await setup();
    const other = await agentChannel(url, { apiKey: AGENT_B_KEY });
    const otherHandler = new HumanActionHandler(other);
    try {
      const action = await fileTransaction(handler!);
      const error = await otherHandler.resume(action.id).catch((e: unknown) => e);
      expect((error as { code?: string }).code).toBe("SAFEGUARDS_NOT_FOUND");
      const heard: string[] = [];
      other.onDecision((id) => heard.push(id));
      const mine = finish(handler!, action);
      await review(url, action.id, { type: "approve" });
      expect((await mine).status).toBe(ActionStatus.APPROVED);
      expect(heard).toEqual([]);
    } finally {
      otherHandler.shutdown();
      await other.shutdown();
    }
  });
});
