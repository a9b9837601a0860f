import { describe, expect, it } from "vitest";
import { createLocalNotifier, type DecisionEvent } from "../src/inbox/decision-notifier.js";
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
