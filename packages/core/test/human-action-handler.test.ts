import {
  ActionStatus,
  ChannelDeliveryError,
  createManualClock,
  ErrorCode,
  type HumanAction,
  HumanActionHandler,
  hashArgs,
  InProcessApprovalChannel,
  isSafeguardsError,
} from "@safeguards/core";
import { describe, expect, it, vi } from "vitest";

function setup(options: { timeoutSeconds?: number } = {}) {
  const clock = createManualClock();
  const channel = new InProcessApprovalChannel({ clock });
  const errors: unknown[] = [];
  const handler = new HumanActionHandler(channel, {
    clock,
    onError: (e) => errors.push(e),
    ...options,
  });
  return { clock, channel, handler, errors };
}

const base = {
  title: "Approve High-Value Transaction",
  description: "Transaction of $2500.00 requires approval",
  agentId: "financial_advisor",
  metadata: { action_type: "transaction", amount: "2500.00" },
};

/** Lets queued microtasks (callbacks) run. */
const flush = () => new Promise((r) => setImmediate(r));

describe("HumanActionHandler", () => {
  it("gives 10,000 requests 10,000 distinct ids", async () => {
    const { handler } = setup();
    const ids = new Set<string>();
    for (let i = 0; i < 10_000; i++) ids.add((await handler.requestAction(base)).id);
    expect(ids.size).toBe(10_000);
  });

  it("files the request with its deadline and waits for approval", async () => {
    const { handler, channel, clock } = setup();
    const action = await handler.requestAction({ ...base, timeoutSeconds: 60 });
    expect(action.status).toBe(ActionStatus.PENDING);
    expect(action.expiresAt.getTime() - clock.now()).toBe(60_000);
    expect(channel.pending().map((r) => r.id)).toEqual([action.id]);
    const waiting = handler.waitForAction(action);
    channel.approve(action.id, { reviewer: "alice", comments: "ok" });
    await expect(waiting).resolves.toBe(ActionStatus.APPROVED);
    expect(action.reviewer).toBe("alice");
    expect(action.comments).toBe("ok");
    expect(action.approvedValues).toEqual(base.metadata);
  });

  it("lets the first decision win and refuses later ones without change", async () => {
    const { handler, channel } = setup();
    const action = await handler.requestAction(base);
    channel.reject(action.id, { comments: "too much" });
    expect(() => channel.approve(action.id)).toThrowError(
      expect.objectContaining({ code: ErrorCode.ALREADY_DECIDED }),
    );
    expect(action.status).toBe(ActionStatus.REJECTED);
    expect(action.comments).toBe("too much");
    await expect(handler.waitForAction(action)).resolves.toBe(ActionStatus.REJECTED);
  });

  it("ignores a duplicate decision delivered twice by a channel", async () => {
    const listeners: ((id: string, d: never) => void)[] = [];
    const channel = new InProcessApprovalChannel();
    const spy = vi.spyOn(channel, "onDecision").mockImplementation((l) => {
      listeners.push(l as never);
      return () => {};
    });
    const handler = new HumanActionHandler(channel);
    const action = await handler.requestAction(base);
    const approve = { status: "approved", decidedAt: new Date() } as never;
    const reject = { status: "rejected", decidedAt: new Date() } as never;
    for (const l of listeners) l(action.id, approve);
    for (const l of listeners) l(action.id, reject);
    expect(action.status).toBe("approved");
    spy.mockRestore();
    handler.shutdown();
  });

  it("times out at the request's timeout, even with nobody waiting, and tells callbacks", async () => {
    const { handler, channel, clock } = setup();
    const seen: string[] = [];
    const action = await handler.requestAction({
      ...base,
      timeoutSeconds: 300,
      callbacks: [(a) => void seen.push(a.status)],
    });
    clock.advance(299_999);
    await flush();
    expect(action.status).toBe(ActionStatus.PENDING);
    clock.advance(1);
    await flush();
    expect(action.status).toBe(ActionStatus.TIMED_OUT);
    expect(seen).toEqual([ActionStatus.TIMED_OUT]);
    await expect(handler.waitForAction(action)).resolves.toBe(ActionStatus.TIMED_OUT);
    expect(() => channel.approve(action.id)).toThrowError(
      expect.objectContaining({ code: ErrorCode.ALREADY_DECIDED }),
    );
  });

  it("refuses a decision that arrives after the deadline", async () => {
    const { handler, channel, clock } = setup();
    const action = await handler.requestAction({ ...base, timeoutSeconds: 10 });
    // The channel sees the deadline pass before the handler's timer has run.
    const late = createManualClock(clock.now() + 10_000);
    const other = new InProcessApprovalChannel({ clock: late });
    await other.submitRequest(action.toRequest());
    expect(() => other.approve(action.id)).toThrowError(
      expect.objectContaining({ code: ErrorCode.EXPIRED }),
    );
    clock.advance(10_000);
    await flush();
    expect(action.status).toBe(ActionStatus.TIMED_OUT);
    expect(() => channel.approve(action.id)).toThrow();
  });

  it("uses the handler's timeout, then 300 s by default", async () => {
    const a = setup();
    expect((await a.handler.requestAction(base)).expiresAt.getTime() - a.clock.now()).toBe(300_000);
    a.handler.setTimeout(120);
    expect((await a.handler.requestAction(base)).expiresAt.getTime() - a.clock.now()).toBe(120_000);
    const b = setup({ timeoutSeconds: 5 });
    expect((await b.handler.requestAction(base)).expiresAt.getTime() - b.clock.now()).toBe(5_000);
    expect(() => a.handler.setTimeout(-1)).toThrowError(
      expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }),
    );
  });

  it("takes the timeout from the request, else the handler, else the channel, else 300 s", async () => {
    /** A channel with a default approval timeout (as HumanInTheLoopChannel's timeoutSeconds). */
    class DefaultingChannel extends InProcessApprovalChannel {
      defaultTimeoutSeconds: number | undefined = undefined;
    }
    const clock = createManualClock();
    const channel = new DefaultingChannel({ clock });
    const handler = new HumanActionHandler(channel, { clock });
    const timeoutOf = async (input: { timeoutSeconds?: number } = {}) =>
      (await handler.requestAction({ ...base, ...input })).expiresAt.getTime() - clock.now();
    expect(await timeoutOf()).toBe(300_000); // channel has no default yet
    channel.defaultTimeoutSeconds = 60; // read at request time (channel set up after the handler)
    expect(handler.timeoutSeconds).toBe(60);
    expect(await timeoutOf()).toBe(60_000);
    expect(await timeoutOf({ timeoutSeconds: 7 })).toBe(7_000); // request beats channel
    handler.setTimeout(120); // handler beats channel
    expect(await timeoutOf()).toBe(120_000);
    expect(await timeoutOf({ timeoutSeconds: 7 })).toBe(7_000); // request beats handler
    const withOption = new HumanActionHandler(channel, { clock, timeoutSeconds: 30 });
    expect((await withOption.requestAction(base)).expiresAt.getTime() - clock.now()).toBe(30_000);
    withOption.shutdown();
    channel.defaultTimeoutSeconds = 0; // a channel's bad default is refused, nothing is filed
    const plain = new HumanActionHandler(channel, { clock });
    await expect(plain.requestAction(base)).rejects.toMatchObject({
      code: ErrorCode.INVALID_ARGUMENT,
    });
    expect(plain.pendingCount).toBe(0);
    plain.shutdown();
    handler.shutdown();
  });

  it("times the action out when a wait with a shorter timeout runs out", async () => {
    const { handler, clock } = setup();
    const action = await handler.requestAction(base);
    const waiting = handler.waitForAction(action, 2);
    clock.advance(2_000);
    await expect(waiting).resolves.toBe(ActionStatus.TIMED_OUT);
    expect(action.status).toBe(ActionStatus.TIMED_OUT);
  });

  it("waits on many actions with one timer, not one per action", async () => {
    const { handler, channel, clock } = setup();
    const actions: HumanAction[] = [];
    for (let i = 0; i < 1000; i++)
      actions.push(await handler.requestAction({ ...base, timeoutSeconds: 100 + i }));
    const waits = actions.map((a) => handler.waitForAction(a));
    expect(clock.pendingTimers()).toBe(1);
    for (const a of actions.slice(0, 500)) channel.approve(a.id);
    clock.advance(2_000_000);
    const statuses = await Promise.all(waits);
    expect(statuses.filter((s) => s === "approved")).toHaveLength(500);
    expect(statuses.filter((s) => s === "timed_out")).toHaveLength(500);
    expect(handler.pendingCount).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
  });

  it("ends a wait on abort without deciding the action", async () => {
    const { handler, channel } = setup();
    const action = await handler.requestAction(base);
    const controller = new AbortController();
    const waiting = handler.waitForAction(action, undefined, { signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: ErrorCode.ABORTED });
    expect(action.status).toBe(ActionStatus.PENDING);
    const again = handler.waitForAction(action);
    channel.approve(action.id);
    await expect(again).resolves.toBe(ActionStatus.APPROVED);
  });

  it("fires each callback exactly once after the status is final, sync or async, even if one throws", async () => {
    const { handler, channel, errors } = setup();
    const calls: string[] = [];
    const action = await handler.requestAction({
      ...base,
      callbacks: [
        () => {
          throw new Error("boom");
        },
        (a) => void calls.push(`sync:${a.status}`),
        async (a) => {
          await Promise.resolve();
          calls.push(`async:${a.status}`);
        },
        async () => {
          throw new Error("async boom");
        },
      ],
    });
    const other = await handler.requestAction({
      ...base,
      callbacks: [(a) => void calls.push(`other:${a.status}`)],
    });
    channel.approve(action.id);
    expect(() => channel.approve(action.id)).toThrow();
    await flush();
    channel.reject(other.id);
    await flush();
    expect(calls.sort()).toEqual(["async:approved", "other:rejected", "sync:approved"]);
    expect(errors.map((e) => (e as Error).message).sort()).toEqual(["async boom", "boom"]);
  });

  it("carries a structured modification and refuses one that adds fields", async () => {
    const { handler, channel } = setup();
    const action = await handler.requestAction({
      ...base,
      action: { name: "transfer_funds", args: { amount: "2500.00", to: "ACME" } },
    });
    expect(action.argsHash).toBe(hashArgs({ to: "ACME", amount: "2500.00" }));
    expect(() => channel.modify(action.id, { amount: "1800.00", memo: "x" })).toThrowError(
      expect.objectContaining({ code: ErrorCode.INVALID_MODIFICATION }),
    );
    expect(action.status).toBe(ActionStatus.PENDING);
    channel.modify(action.id, { amount: "1800.00" }, { comments: "reduced" });
    expect(action.status).toBe(ActionStatus.MODIFIED);
    expect(action.responseData).toEqual({ amount: "1800.00" });
    expect(action.approvedValues).toEqual({ amount: "1800.00", to: "ACME" });
  });

  it("never settles an invalid modification delivered by a channel", async () => {
    const { handler, errors } = setup();
    let deliver: ((id: string, d: never) => void) | undefined;
    const channel = new InProcessApprovalChannel();
    channel.onDecision = (l) => {
      deliver = l as never;
      return () => {};
    };
    const h = new HumanActionHandler(channel, { onError: (e) => errors.push(e) });
    const action = await h.requestAction({ ...base, action: { name: "t", args: { amount: 1 } } });
    deliver!(action.id, {
      status: "modified",
      responseData: { evil: true },
      decidedAt: new Date(),
    } as never);
    expect(action.status).toBe(ActionStatus.PENDING);
    expect(isSafeguardsError(errors.at(-1), ErrorCode.INVALID_MODIFICATION)).toBe(true);
    deliver!(action.id, {
      status: "modified",
      responseData: { amount: 2 },
      decidedAt: new Date(),
    } as never);
    expect(action.status).toBe(ActionStatus.MODIFIED);
    h.shutdown();
    handler.shutdown();
  });

  it("refuses a decision type that is not allowed", async () => {
    const { handler, channel } = setup();
    const action = await handler.requestAction({
      ...base,
      allowedDecisions: ["approve", "reject"],
    });
    expect(() => channel.modify(action.id, { amount: "1" })).toThrowError(
      expect.objectContaining({ code: ErrorCode.DECISION_NOT_ALLOWED }),
    );
    expect(action.status).toBe(ActionStatus.PENDING);
  });

  it("fails closed when the channel cannot file the request", async () => {
    const channel = new InProcessApprovalChannel();
    channel.submitRequest = async () => {
      throw new Error("connection refused");
    };
    const handler = new HumanActionHandler(channel);
    await expect(handler.requestAction(base)).rejects.toBeInstanceOf(ChannelDeliveryError);
    expect(handler.pendingCount).toBe(0);
  });

  it("cancels a pending action and refuses to cancel a final one", async () => {
    const { handler, channel } = setup();
    const action = await handler.requestAction(base);
    await expect(handler.cancelAction(action)).resolves.toBe(ActionStatus.CANCELLED);
    expect(() => channel.approve(action.id)).toThrow();
    await expect(handler.cancelAction(action)).rejects.toMatchObject({
      code: ErrorCode.ALREADY_DECIDED,
    });
  });

  it("fires callbacks once for a wait-driven timeout; later deadlines and decisions change nothing", async () => {
    const { handler, channel, clock } = setup();
    const seen: string[] = [];
    const action = await handler.requestAction({
      ...base,
      timeoutSeconds: 60,
      callbacks: [
        (a) => void seen.push(a.status),
        async (a) => void seen.push(`async:${a.status}`),
      ],
    });
    const waiting = handler.waitForAction(action, 5); // shorter than the action's 60 s
    clock.advance(5_000);
    await expect(waiting).resolves.toBe(ActionStatus.TIMED_OUT);
    await flush();
    clock.advance(60_000); // the action's own deadline passes as well
    await flush();
    expect(() => channel.approve(action.id)).toThrow();
    expect(() => channel.modify(action.id, { amount: "1.00" })).toThrow();
    await expect(handler.cancelAction(action)).rejects.toMatchObject({
      code: ErrorCode.ALREADY_DECIDED,
    });
    await flush();
    expect(action.status).toBe(ActionStatus.TIMED_OUT);
    expect(action.responseData).toBeNull();
    expect(seen.sort()).toEqual(["async:timed_out", "timed_out"]);
  });

  it("fires callbacks once with CANCELLED when an action is cancelled", async () => {
    const { handler } = setup();
    const seen: string[] = [];
    const action = await handler.requestAction({
      ...base,
      callbacks: [(a) => void seen.push(a.status)],
    });
    await handler.cancelAction(action);
    await flush();
    expect(seen).toEqual([ActionStatus.CANCELLED]);
  });

  it("never reads a modification out of free-text comments", async () => {
    const { handler, channel } = setup();
    const action = await handler.requestAction({
      ...base,
      action: { name: "transfer_funds", args: { amount: "2500.00", to: "ACME" } },
    });
    channel.approve(action.id, { comments: "approved, but change amount to 1800.00" });
    expect(action.status).toBe(ActionStatus.APPROVED);
    expect(action.responseData).toBeNull();
    expect(action.approvedValues).toEqual({ amount: "2500.00", to: "ACME" });
  });

  it("rejects a wait whose signal is already aborted, deciding nothing", async () => {
    const { handler } = setup();
    const action = await handler.requestAction(base);
    await expect(
      handler.waitForAction(action, undefined, { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ code: ErrorCode.ABORTED });
    expect(action.status).toBe(ActionStatus.PENDING);
    expect(handler.pendingCount).toBe(1);
  });

  it("getAction finds pending and finished actions with their timestamps", async () => {
    const { handler, channel, clock } = setup();
    const action = await handler.requestAction(base);
    expect(handler.getAction(action.id)).toBe(action);
    expect(action.requestedAt.getTime()).toBe(clock.now());
    expect(action.decidedAt).toBeFalsy();
    clock.advance(1_000);
    channel.approve(action.id, { reviewer: "alice" });
    await flush();
    const found = handler.getAction(action.id);
    expect(found?.status).toBe(ActionStatus.APPROVED);
    expect(found?.reviewer).toBe("alice");
    expect(found?.decidedAt?.getTime()).toBe(clock.now());
    expect(handler.getAction("act_unknown")).toBeUndefined();
  });

  it("a callback that never settles blocks neither the other callbacks nor other actions", async () => {
    const { handler, channel } = setup();
    const calls: string[] = [];
    const action = await handler.requestAction({
      ...base,
      callbacks: [() => new Promise<void>(() => {}), (a) => void calls.push(a.status)],
    });
    const other = await handler.requestAction({
      ...base,
      callbacks: [(a) => void calls.push(`other:${a.status}`)],
    });
    channel.approve(action.id);
    await flush();
    channel.reject(other.id);
    await expect(handler.waitForAction(other)).resolves.toBe(ActionStatus.REJECTED);
    await flush();
    expect(calls).toEqual([ActionStatus.APPROVED, `other:${ActionStatus.REJECTED}`]);
  });

  it("makes ULID-based ids", async () => {
    const { handler } = setup();
    expect((await handler.requestAction(base)).id).toMatch(/^act_[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it("resumes an action filed by another handler (a restarted process)", async () => {
    const clock = createManualClock();
    const channel = new InProcessApprovalChannel({ clock });
    const first = new HumanActionHandler(channel, { clock });
    const filed = await first.requestAction(base);
    first.shutdown();
    const second = new HumanActionHandler(channel, { clock });
    const resumed = await second.resume(filed.id);
    expect(resumed.status).toBe(ActionStatus.PENDING);
    const waiting = second.waitForAction(resumed);
    channel.approve(filed.id, { reviewer: "bob" });
    await expect(waiting).resolves.toBe(ActionStatus.APPROVED);
    await expect(second.resume("act_unknown")).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
  });

  it("resolves a decision and an expiry racing to exactly one outcome for all observers", async () => {
    const clock = createManualClock();
    // A remote-like channel: decisions are recorded at once but delivered late (a slow
    // stream), and the expiry call takes a while to answer.
    const held: (() => void)[] = [];
    let releaseExpiry: (() => void) | undefined;
    class RemoteLikeChannel extends InProcessApprovalChannel {
      override onDecision(listener: Parameters<InProcessApprovalChannel["onDecision"]>[0]) {
        return super.onDecision((id, d) => held.push(() => listener(id, d)));
      }
      override async expireRequest(id: string) {
        await new Promise<void>((r) => {
          releaseExpiry = r;
        });
        return super.expireRequest(id);
      }
    }
    const channel = new RemoteLikeChannel({ clock });
    const handler = new HumanActionHandler(channel, { clock });
    const seen: string[] = [];
    const action = await handler.requestAction({
      ...base,
      timeoutSeconds: 1,
      callbacks: [(a) => void seen.push(a.status)],
    });
    const w1 = handler.waitForAction(action);
    const w2 = handler.waitForAction(action);
    clock.advance(999);
    channel.approve(action.id); // recorded 1 ms before the deadline, not yet delivered
    clock.advance(1); // the handler's deadline fires and asks the channel
    await flush();
    expect(action.status).toBe(ActionStatus.PENDING); // still asking
    for (const deliver of held) deliver(); // the late delivery arrives during the expiry call
    releaseExpiry?.();
    const [s1, s2] = await Promise.all([w1, w2]);
    await flush();
    expect([s1, s2, ...seen]).toEqual(["approved", "approved", "approved"]);

    // And when the channel knows the decision only through the expiry answer:
    const late = await handler.requestAction({ ...base, timeoutSeconds: 1 });
    clock.advance(500);
    channel.reject(late.id, { comments: "no" });
    held.length = 0; // this delivery is lost
    const w3 = handler.waitForAction(late);
    clock.advance(500);
    await flush();
    releaseExpiry?.();
    await expect(w3).resolves.toBe("rejected");
    expect(late.comments).toBe("no");
  });

  it("validates input with clear errors", async () => {
    const { handler } = setup();
    await expect(handler.requestAction({ ...base, title: "" })).rejects.toMatchObject({
      code: ErrorCode.INVALID_ARGUMENT,
    });
    await expect(handler.requestAction({ ...base, timeoutSeconds: 0 })).rejects.toMatchObject({
      code: ErrorCode.INVALID_ARGUMENT,
    });
    await expect(
      handler.requestAction({ ...base, allowedDecisions: ["approve", "explode" as never] }),
    ).rejects.toMatchObject({ code: ErrorCode.INVALID_ARGUMENT });
    // The guide's snake_case keys are refused, naming the camelCase key, never ignored.
    await expect(
      handler.requestAction({ ...base, timeout_seconds: 5 } as never),
    ).rejects.toMatchObject({
      code: ErrorCode.INVALID_ARGUMENT,
      message: expect.stringContaining('"timeoutSeconds"'),
    });
    await expect(
      handler.requestAction({ ...base, allowed_decisions: ["approve"] } as never),
    ).rejects.toThrow(/"allowedDecisions"/);
    expect(
      () => new HumanActionHandler(new InProcessApprovalChannel(), { timeout_seconds: 5 } as never),
    ).toThrow(/"timeout_seconds" is snake_case; use "timeoutSeconds"/);
    const a = await handler.requestAction({ ...base, id: "act_fixed" });
    await expect(handler.requestAction({ ...base, id: a.id })).rejects.toMatchObject({
      code: ErrorCode.CONFLICT,
    });
  });

  it("ends waits with SAFEGUARDS_SHUT_DOWN on shutdown", async () => {
    const { handler } = setup();
    const action = await handler.requestAction(base);
    const waiting = handler.waitForAction(action);
    handler.shutdown();
    await expect(waiting).rejects.toMatchObject({ code: ErrorCode.SHUT_DOWN });
  });
});
