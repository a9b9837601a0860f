import { describe, expect, it } from "vitest";
import {
  createLocalNotifier,
  type DecisionEvent,
  type DecisionNotifier,
  type RemoteChange,
  type RemoteChangeListener,
} from "../src/inbox/decision-notifier.js";
import { lazyNotifier } from "../src/inbox/lazy-notifier.js";

const event = (actionId: string): DecisionEvent => ({ agentId: "a", actionId, decisionSeq: 1 });

describe("lazyNotifier", () => {
  it("moves subscriptions made before the notifier loaded, and publishes through it", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const inner = createLocalNotifier();
    const notifier = lazyNotifier(
      async () => {
        await gate;
        return inner;
      },
      () => {},
    );
    const seen: string[] = [];
    const gone: string[] = [];
    notifier.subscribe("a", (e) => seen.push(e.actionId));
    const off = notifier.subscribe("a", (e) => gone.push(e.actionId));
    off();
    const early = notifier.publish(event("early"));
    release();
    await early;
    inner.publish(event("direct"));
    await notifier.publish(event("late"));
    expect(seen).toEqual(["early", "direct", "late"]);
    expect(gone).toEqual([]);
    await notifier.close();
  });

  it("moves change watchers made before it loaded, and sends filings and updates through it", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const watchers = new Set<RemoteChangeListener>();
    const created: string[] = [];
    const updated: string[] = [];
    const inner: DecisionNotifier = {
      ...createLocalNotifier(),
      publishCreated: (e) => void created.push(e.actionId),
      publishUpdated: (e) => void updated.push(e.actionId),
      watchChanges(listener) {
        watchers.add(listener);
        return () => watchers.delete(listener);
      },
    };
    const notifier = lazyNotifier(
      async () => {
        await gate;
        return inner;
      },
      () => {},
    );
    const heard: RemoteChange[] = [];
    notifier.watchChanges?.((c) => heard.push(c));
    const cancelled = notifier.watchChanges?.((c) => heard.push(c));
    cancelled?.();
    const early = notifier.publishCreated?.({ agentId: "a", actionId: "early" });
    const earlyUpdate = notifier.publishUpdated?.({ agentId: "a", actionId: "approved-once" });
    release();
    await Promise.all([early, earlyUpdate]);
    expect(created).toEqual(["early"]);
    expect(updated).toEqual(["approved-once"]);
    expect(watchers.size).toBe(1);
    for (const w of watchers) w({ kind: "resync" });
    expect(heard).toEqual([{ kind: "resync" }]);
    const off = notifier.watchChanges?.((c) => heard.push(c));
    expect(watchers.size).toBe(2);
    off?.();
    expect(watchers.size).toBe(1);
    await notifier.close();
  });

  it("reports a notifier that fails to load, and publishing then throws nothing", async () => {
    const errors: unknown[] = [];
    const notifier = lazyNotifier(
      () => Promise.reject(new Error("no driver")),
      (e) => errors.push(e),
    );
    await notifier.publish(event("x"));
    await notifier.close();
    expect(errors.map((e) => (e as Error).message)).toEqual(["no driver", "no driver"]);
  });
});
