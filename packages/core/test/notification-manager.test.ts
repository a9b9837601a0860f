import { describe, expect, it } from "vitest";
import {
  type AlertSeverity,
  createAlert,
  createManualClock,
  ErrorCode,
  InvalidConfigError,
  isSafeguardsError,
  type NotificationChannel,
  NotificationManager,
  type SafetyAlert,
} from "../src/index.js";

/** A channel that records what it got and answers with `behaviour`. */
class RecordingChannel implements NotificationChannel {
  readonly sent: SafetyAlert[] = [];
  shutdowns = 0;
  constructor(
    private readonly behaviour: (alert: SafetyAlert) => boolean | Promise<boolean> = () => true,
    private readonly onShutdown: () => void | Promise<void> = () => {},
  ) {}
  initialize(): void {}
  sendNotification(alert: SafetyAlert): boolean | Promise<boolean> {
    this.sent.push(alert);
    return this.behaviour(alert);
  }
  shutdown(): void | Promise<void> {
    this.shutdowns += 1;
    return this.onShutdown();
  }
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const never = () => new Promise<boolean>(() => {});

function alert(severity: AlertSeverity = "WARNING", title = "Limit exceeded", agentId = "a1") {
  return createAlert({ title, description: "d", severity, agentId, metadata: { k: "v" } });
}

async function isSettled(p: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void p.then(() => {
    settled = true;
  });
  for (let i = 0; i < 10; i++) await Promise.resolve();
  return settled;
}

describe("NotificationManager registry", () => {
  it("refuses a duplicate name with DUPLICATE_CHANNEL and keeps the first", () => {
    const m = new NotificationManager();
    const first = new RecordingChannel();
    m.registerChannel("logs", first);
    let caught: unknown;
    try {
      m.registerChannel("logs", new RecordingChannel());
    } catch (e) {
      caught = e;
    }
    expect(isSafeguardsError(caught, ErrorCode.DUPLICATE_CHANNEL)).toBe(true);
    expect(m.getChannel("logs")).toBe(first);
    expect(m.listChannels()).toEqual(["logs"]);
  });

  it("lists channels in registration order and finds them by name", () => {
    const m = new NotificationManager();
    const a = new RecordingChannel();
    const b = new RecordingChannel();
    m.registerChannel("b", b);
    m.registerChannel("a", a);
    expect(m.listChannels()).toEqual(["b", "a"]);
    expect(m.getChannel("a")).toBe(a);
    expect(m.getChannel("zzz")).toBeUndefined();
  });

  it("unregisterChannel removes the channel and awaits its shutdown", async () => {
    const m = new NotificationManager();
    const gate = deferred<void>();
    const ch = new RecordingChannel(undefined, () => gate.promise);
    m.registerChannel("x", ch);
    const p = m.unregisterChannel("x");
    expect(ch.shutdowns).toBe(1);
    expect(m.listChannels()).toEqual([]);
    expect(await isSettled(p)).toBe(false);
    gate.resolve();
    expect(await p).toBe(true);
    expect(await m.unregisterChannel("x")).toBe(false);
    expect(await m.notify(alert())).toEqual({});
  });
  it("unregisterChannel removes a channel whose shutdown throws or hangs, and says so", async () => {
    const clock = createManualClock();
    const m = new NotificationManager({ clock, channelTimeoutMs: 100 });
    const boom = new Error("boom");
    m.registerChannel(
      "throws",
      new RecordingChannel(undefined, () => {
        throw boom;
      }),
    );
    m.registerChannel("hangs", new RecordingChannel(undefined, () => new Promise<void>(() => {})));
    await expect(m.unregisterChannel("throws")).rejects.toBe(boom);
    const p = m.unregisterChannel("hangs");
    const settled = p.then(
      () => undefined,
      (e: unknown) => e,
    );
    await Promise.resolve();
    clock.advance(100);
    expect(isSafeguardsError(await settled, ErrorCode.TIMEOUT)).toBe(true);
    expect(m.listChannels()).toEqual([]);
  });
});

describe("NotificationManager.notify", () => {
  it("sends to every channel concurrently", async () => {
    const m = new NotificationManager();
    const gate = deferred<boolean>();
    const slow = new RecordingChannel(() => gate.promise);
    const fast = new RecordingChannel();
    m.registerChannel("slow", slow);
    m.registerChannel("fast", fast);
    const p = m.notify(alert());
    expect(slow.sent).toHaveLength(1);
    expect(fast.sent).toHaveLength(1);
    gate.resolve(true);
    expect(await p).toEqual({ slow: { delivered: true }, fast: { delivered: true } });
  });

  it("reports throwing, rejecting and false-returning channels without stopping others", async () => {
    const m = new NotificationManager();
    const boom = new Error("boom");
    m.registerChannel(
      "sync-throw",
      new RecordingChannel(() => {
        throw boom;
      }),
    );
    m.registerChannel("reject", new RecordingChannel(() => Promise.reject(new Error("nope"))));
    m.registerChannel("false", new RecordingChannel(() => false));
    m.registerChannel("ok", new RecordingChannel());
    const report = await m.notify(alert());
    expect(report["sync-throw"]).toEqual({ delivered: false, reason: "threw", error: boom });
    expect(report.reject).toMatchObject({ delivered: false, reason: "threw" });
    expect(report.false).toEqual({ delivered: false, reason: "returned_false" });
    expect(report.ok).toEqual({ delivered: true });
  });

  it("treats a non-boolean result as not delivered", async () => {
    const m = new NotificationManager();
    m.registerChannel("undef", new RecordingChannel(() => undefined as unknown as boolean));
    expect((await m.notify(alert())).undef).toEqual({ delivered: false, reason: "returned_false" });
  });

  it("times a hanging channel out after the default 10 s on the injected clock", async () => {
    const clock = createManualClock();
    const m = new NotificationManager({ clock });
    m.registerChannel("hang", new RecordingChannel(never));
    m.registerChannel("ok", new RecordingChannel());
    const p = m.notify(alert());
    await Promise.resolve();
    clock.advance(9_999);
    expect(await isSettled(p)).toBe(false);
    clock.advance(1);
    const report = await p;
    expect(report.hang).toMatchObject({ delivered: false, reason: "timed_out" });
    const err = (report.hang as { error?: unknown }).error;
    expect(isSafeguardsError(err, ErrorCode.TIMEOUT)).toBe(true);
    expect(report.ok).toEqual({ delivered: true });
    expect(clock.pendingTimers()).toBe(0);
  });

  it("honours channelTimeoutMs and clears the timer of a channel that answers", async () => {
    const clock = createManualClock();
    const m = new NotificationManager({ clock, channelTimeoutMs: 50 });
    const gate = deferred<boolean>();
    m.registerChannel("hang", new RecordingChannel(never));
    m.registerChannel("late-ok", new RecordingChannel(() => gate.promise));
    const p = m.notify(alert());
    gate.resolve(true);
    await Promise.resolve();
    await Promise.resolve();
    clock.advance(50);
    const report = await p;
    expect(report.hang).toMatchObject({ reason: "timed_out" });
    expect(report["late-ok"]).toEqual({ delivered: true });
  });

  it("refuses a non-positive channelTimeoutMs", () => {
    expect(() => new NotificationManager({ channelTimeoutMs: 0 })).toThrow(InvalidConfigError);
    expect(() => new NotificationManager({ channelTimeoutMs: 0 })).toThrow(/channelTimeoutMs/);
  });

  it("refuses snake_case option keys, naming the camelCase one", () => {
    expect(() => new NotificationManager({ channel_timeout_ms: 50 } as never)).toThrow(
      InvalidConfigError,
    );
    expect(() => new NotificationManager({ channel_timeout_ms: 50 } as never)).toThrow(
      /use "channelTimeoutMs"/,
    );
  });

  it("sends only to the named channels and reports unknown and unrouted ones", async () => {
    const m = new NotificationManager();
    const a = new RecordingChannel();
    const b = new RecordingChannel();
    m.registerChannel("a", a);
    m.registerChannel("b", b);
    const report = await m.notify(alert(), { channels: ["a", "ghost"] });
    expect(report).toEqual({
      a: { delivered: true },
      b: { delivered: false, reason: "not_routed" },
      ghost: { delivered: false, reason: "unknown_channel" },
    });
    expect(b.sent).toHaveLength(0);
  });

  it("never mutates the caller's alert", async () => {
    const clock = createManualClock();
    const m = new NotificationManager({ clock });
    m.registerChannel("a", new RecordingChannel());
    const original = alert();
    await m.notify(original);
    await m.notify(alert());
    clock.advance(60_000);
    const third = alert();
    await m.notify(third);
    expect(third.metadata).toEqual({ k: "v" });
  });
});

describe("NotificationManager routing", () => {
  function routed(options: ConstructorParameters<typeof NotificationManager>[0] = {}) {
    const m = new NotificationManager({ dedupeWindowMs: 0, ...options });
    const chans = {
      slack: new RecordingChannel(),
      email: new RecordingChannel(),
      logging: new RecordingChannel(),
    };
    for (const [name, ch] of Object.entries(chans)) m.registerChannel(name, ch);
    return { m, chans };
  }
  const rules = [
    { minSeverity: "CRITICAL", channels: ["slack", "email"] },
    { severities: ["INFO"], channels: ["logging"] },
  ] as const;

  it("routes by severity: CRITICAL to slack and email, INFO to logs only", async () => {
    const { m, chans } = routed({ routes: rules });
    const critical = await m.notify(alert("CRITICAL"));
    expect(critical).toEqual({
      slack: { delivered: true },
      email: { delivered: true },
      logging: { delivered: false, reason: "not_routed" },
    });
    const info = await m.notify(alert("INFO"));
    expect(info.logging).toEqual({ delivered: true });
    expect(info.slack).toEqual({ delivered: false, reason: "not_routed" });
    expect(chans.logging.sent).toHaveLength(1);
    expect(chans.slack.sent).toHaveLength(1);
  });

  it("minSeverity includes more serious severities", async () => {
    const { m } = routed({ routes: [{ minSeverity: "ERROR", channels: ["email"] }] });
    expect((await m.notify(alert("CRITICAL"))).email).toEqual({ delivered: true });
    expect((await m.notify(alert("ERROR"))).email).toEqual({ delivered: true });
  });

  it("sends an alert no rule matches to every channel, or to defaultChannels", async () => {
    const all = routed({ routes: rules });
    const report = await all.m.notify(alert("WARNING"));
    expect(Object.values(report).every((r) => r.delivered)).toBe(true);
    const some = routed({ routes: rules, defaultChannels: ["email"] });
    const r2 = await some.m.notify(alert("WARNING"));
    expect(r2.email).toEqual({ delivered: true });
    expect(r2.slack).toEqual({ delivered: false, reason: "not_routed" });
  });

  it("gives the explicit channels option precedence over routes", async () => {
    const { m } = routed({ routes: rules });
    const report = await m.notify(alert("CRITICAL"), { channels: ["logging"] });
    expect(report.logging).toEqual({ delivered: true });
    expect(report.slack).toEqual({ delivered: false, reason: "not_routed" });
  });

  it("accepts a route function; undefined falls back, [] sends nowhere", async () => {
    const { m } = routed({
      routes: (a) =>
        a.agentId === "quiet" ? [] : a.severity === "ERROR" ? ["slack", "nope"] : undefined,
    });
    const r1 = await m.notify(alert("ERROR"));
    expect(r1.slack).toEqual({ delivered: true });
    expect(r1.nope).toEqual({ delivered: false, reason: "unknown_channel" });
    expect(r1.email).toEqual({ delivered: false, reason: "not_routed" });
    const r2 = await m.notify(alert("INFO"));
    expect(r2.email).toEqual({ delivered: true });
    const r3 = await m.notify(alert("INFO", "t", "quiet"));
    expect(Object.values(r3).some((r) => r.delivered)).toBe(false);
  });

  it("refuses an invalid rule at construction, naming the key", () => {
    expect(
      () =>
        new NotificationManager({
          routes: [{ minSeverity: "LOUD" as AlertSeverity, channels: ["x"] }],
        }),
    ).toThrow(/routes\[0\]\.minSeverity/);
    expect(
      () =>
        new NotificationManager({
          routes: [{ severities: ["INFO"], channels: "x" as unknown as string[] }],
        }),
    ).toThrow(/routes\[0\]\.channels/);
  });
});

describe("NotificationManager storm control", () => {
  it("suppresses identical alerts in the window and announces them in the next delivered one", async () => {
    const clock = createManualClock();
    const m = new NotificationManager({ clock });
    const ch = new RecordingChannel();
    m.registerChannel("slack", ch);
    expect((await m.notify(alert())).slack).toEqual({ delivered: true });
    clock.advance(1_000);
    expect((await m.notify(alert())).slack).toEqual({ delivered: false, reason: "suppressed" });
    clock.advance(1_000);
    expect((await m.notify(alert())).slack).toEqual({ delivered: false, reason: "suppressed" });
    expect(ch.sent).toHaveLength(1);
    expect(ch.sent[0]?.metadata.suppressed_count).toBeUndefined();
    clock.advance(58_000);
    expect((await m.notify(alert())).slack).toEqual({ delivered: true });
    expect(ch.sent).toHaveLength(2);
    const announced = ch.sent[1]!;
    expect(announced.metadata.suppressed_count).toBe(2);
    expect(announced.metadata.k).toBe("v");
    expect(String(announced.metadata.suppressed_note)).toMatch(
      /2 identical alerts were suppressed/,
    );
    expect(announced.metadata.suppressed_first_at).toBe(
      new Date(clock.now() - 59_000).toISOString(),
    );
    clock.advance(60_000);
    await m.notify(alert());
    expect(ch.sent[2]?.metadata.suppressed_count).toBeUndefined();
  });

  it("treats alerts with another description (say, another amount) as different", async () => {
    const m = new NotificationManager({ clock: createManualClock() });
    m.registerChannel("c", new RecordingChannel());
    const over = (amount: string) =>
      createAlert({
        title: "Limit exceeded",
        description: `$${amount}`,
        severity: "WARNING",
        agentId: "a1",
      });
    await m.notify(over("2500.00"));
    expect((await m.notify(over("9000.00"))).c?.delivered).toBe(true);
    expect((await m.notify(over("9000.00"))).c?.delivered).toBe(false);
  });

  it("treats different title, severity or agent as different alerts", async () => {
    const m = new NotificationManager({ clock: createManualClock() });
    m.registerChannel("c", new RecordingChannel());
    await m.notify(alert("WARNING", "t", "a"));
    expect((await m.notify(alert("ERROR", "t", "a"))).c?.delivered).toBe(true);
    expect((await m.notify(alert("WARNING", "u", "a"))).c?.delivered).toBe(true);
    expect((await m.notify(alert("WARNING", "t", "b"))).c?.delivered).toBe(true);
    expect((await m.notify(alert("WARNING", "t", "a"))).c?.delivered).toBe(false);
  });

  it("keeps windows per channel", async () => {
    const m = new NotificationManager({ clock: createManualClock() });
    m.registerChannel("a", new RecordingChannel());
    m.registerChannel("b", new RecordingChannel());
    await m.notify(alert(), { channels: ["a"] });
    const report = await m.notify(alert());
    expect(report.a).toEqual({ delivered: false, reason: "suppressed" });
    expect(report.b).toEqual({ delivered: true });
  });

  it("does not open a window when the send failed, and keeps the count", async () => {
    const clock = createManualClock();
    const m = new NotificationManager({ clock });
    let up = true;
    const ch = new RecordingChannel(() => up);
    m.registerChannel("c", ch);
    await m.notify(alert());
    await m.notify(alert());
    clock.advance(60_000);
    up = false;
    expect((await m.notify(alert())).c).toEqual({ delivered: false, reason: "returned_false" });
    up = true;
    expect((await m.notify(alert())).c).toEqual({ delivered: true });
    expect(ch.sent.at(-1)?.metadata.suppressed_count).toBe(1);
  });

  it("uses a custom key and can be turned off", async () => {
    const byAgent = new NotificationManager({
      clock: createManualClock(),
      dedupeKey: (a) => a.agentId ?? "",
    });
    byAgent.registerChannel("c", new RecordingChannel());
    await byAgent.notify(alert("INFO", "one"));
    expect((await byAgent.notify(alert("CRITICAL", "two"))).c).toMatchObject({
      reason: "suppressed",
    });
    const off = new NotificationManager({ clock: createManualClock(), dedupeWindowMs: 0 });
    off.registerChannel("c", new RecordingChannel());
    await off.notify(alert());
    expect((await off.notify(alert())).c).toEqual({ delivered: true });
  });

  it("still sends when the key function throws", async () => {
    const m = new NotificationManager({
      dedupeKey: () => {
        throw new Error("bad key");
      },
    });
    m.registerChannel("c", new RecordingChannel());
    expect((await m.notify(alert())).c).toEqual({ delivered: true });
    expect((await m.notify(alert())).c).toEqual({ delivered: true });
  });
});

describe("NotificationManager.shutdown", () => {
  it("shuts every channel down, collecting errors instead of stopping", async () => {
    const m = new NotificationManager();
    const boom = new Error("boom");
    const first = new RecordingChannel(undefined, () => {
      throw boom;
    });
    const second = new RecordingChannel(undefined, async () => {});
    m.registerChannel("first", first);
    m.registerChannel("second", second);
    const report = await m.shutdown();
    expect(report).toEqual({
      first: { ok: false, reason: "threw", error: boom },
      second: { ok: true },
    });
    expect(first.shutdowns).toBe(1);
    expect(second.shutdowns).toBe(1);
    expect(m.listChannels()).toEqual([]);
  });

  it("bounds a hanging shutdown by the channel timeout", async () => {
    const clock = createManualClock();
    const m = new NotificationManager({ clock, channelTimeoutMs: 100 });
    m.registerChannel("hang", new RecordingChannel(undefined, () => new Promise<void>(() => {})));
    const p = m.shutdown();
    await Promise.resolve();
    clock.advance(100);
    expect((await p).hang).toMatchObject({ ok: false, reason: "timed_out" });
  });
});
