import { describe, expect, it, vi } from "vitest";
import {
  type AlertSeverity,
  type ChannelLogger,
  createAlert,
  ErrorCode,
  InvalidConfigError,
  isSafeguardsError,
  LoggingChannel,
} from "../src/index.js";
import { describeChannelConformance } from "../src/testing/index.js";

type Line = { method: keyof ChannelLogger; message: string };

function recorder() {
  const lines: Line[] = [];
  const logger: ChannelLogger = {
    debug: (message) => lines.push({ method: "debug", message }),
    info: (message) => lines.push({ method: "info", message }),
    warn: (message) => lines.push({ method: "warn", message }),
    error: (message) => lines.push({ method: "error", message }),
  };
  return { lines, logger };
}

function alert(severity: AlertSeverity, extra: Partial<Parameters<typeof createAlert>[0]> = {}) {
  return createAlert({
    title: "Limit",
    description: "over",
    severity,
    agentId: "a1",
    id: "alert_1",
    ...extra,
  });
}

describe("LoggingChannel", () => {
  it("returns false and writes nothing before initialize", () => {
    const { lines, logger } = recorder();
    const ch = new LoggingChannel({ logger });
    expect(ch.sendNotification(alert("CRITICAL"))).toBe(false);
    expect(lines).toEqual([]);
  });

  it("maps severities to logger methods", () => {
    const { lines, logger } = recorder();
    const ch = new LoggingChannel({ logger });
    ch.initialize({ logLevel: "INFO" });
    for (const s of ["INFO", "WARNING", "ERROR", "CRITICAL"] as const) {
      expect(ch.sendNotification(alert(s))).toBe(true);
    }
    expect(lines.map((l) => l.method)).toEqual(["info", "warn", "error", "error"]);
    expect(lines[1]?.message).toBe("[WARNING] Limit: over (agent=a1, alert=alert_1)");
  });

  it("includes metadata as one-line JSON", () => {
    const { lines, logger } = recorder();
    const ch = new LoggingChannel({ logger });
    ch.initialize({});
    ch.sendNotification(alert("INFO", { metadata: { amount: "2500.00", n: 2 } }));
    expect(lines[0]?.message).toContain('{"amount":"2500.00","n":2}');
  });

  it("filters alerts below the minimum level, case-insensitively, counting them as handled", () => {
    const { lines, logger } = recorder();
    const ch = new LoggingChannel({ logger });
    ch.initialize({ logLevel: "error" });
    expect(ch.sendNotification(alert("WARNING"))).toBe(true);
    expect(ch.sendNotification(alert("INFO"))).toBe(true);
    expect(ch.sendNotification(alert("ERROR"))).toBe(true);
    expect(lines.map((l) => l.method)).toEqual(["error"]);
    ch.initialize({ logLevel: "Critical" });
    ch.sendNotification(alert("ERROR"));
    expect(lines).toHaveLength(1);
    ch.initialize({ logLevel: "debug" });
    ch.sendNotification(alert("INFO"));
    expect(lines).toHaveLength(2);
  });

  it("defaults to INFO", () => {
    const { lines, logger } = recorder();
    const ch = new LoggingChannel({ logger });
    ch.initialize({});
    ch.sendNotification(alert("INFO"));
    expect(lines).toHaveLength(1);
  });

  it("refuses an unknown level, a snake_case key and unknown keys, naming the key", () => {
    const ch = new LoggingChannel();
    expect(() => ch.initialize({ logLevel: "LOUD" })).toThrow(InvalidConfigError);
    expect(() => ch.initialize({ logLevel: "LOUD" })).toThrow(/logLevel/);
    // @ts-expect-error: snake_case does not compile; JavaScript callers meet the run-time refusal
    expect(() => ch.initialize({ log_level: "INFO" })).toThrow(/"logLevel"/);
    let caught: unknown;
    try {
      // @ts-expect-error: a misspelled key does not compile either
      ch.initialize({ loglevel: "INFO" });
    } catch (e) {
      caught = e;
    }
    expect(isSafeguardsError(caught, ErrorCode.INVALID_CONFIG)).toBe(true);
    expect(String((caught as Error).message)).toMatch(/loglevel/);
    expect(ch.sendNotification(alert("ERROR"))).toBe(false);
  });

  it("returns false after shutdown", () => {
    const { lines, logger } = recorder();
    const ch = new LoggingChannel({ logger });
    ch.initialize({ logLevel: "INFO" });
    ch.shutdown();
    expect(ch.sendNotification(alert("CRITICAL"))).toBe(false);
    expect(lines).toEqual([]);
  });

  it("returns false instead of throwing when the logger throws", () => {
    const ch = new LoggingChannel({
      logger: {
        debug() {},
        info() {},
        warn() {
          throw new Error("disk full");
        },
        error() {},
      },
    });
    ch.initialize({});
    expect(ch.sendNotification(alert("WARNING"))).toBe(false);
    expect(ch.sendNotification(alert("INFO"))).toBe(true);
  });

  it("cannot be made to forge extra log lines or terminal escapes", () => {
    const { lines, logger } = recorder();
    const ch = new LoggingChannel({ logger });
    ch.initialize({});
    ch.sendNotification(
      alert("INFO", {
        title: "ok\r\n[CRITICAL] fake: line",
        description: "\u001b[2Jgone\u2028x",
        agentId: "a\nb",
        metadata: { note: "x\ny\u2028" },
      }),
    );
    const message = lines[0]?.message ?? "";
    for (const c of ["\r", "\n", "\u001b", "\u2028"]) expect(message).not.toContain(c);
    expect(message).toContain("ok\\r\\n[CRITICAL] fake: line");
    expect(message).toContain("\\u001b[2Jgone\\u2028x");
    expect(message).toContain("agent=a\\nb");
  });

  it("uses the console by default", () => {
    const spy = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const ch = new LoggingChannel();
      ch.initialize({ logLevel: "INFO" });
      expect(ch.sendNotification(alert("WARNING"))).toBe(true);
      expect(spy).toHaveBeenCalledWith("[WARNING] Limit: over (agent=a1, alert=alert_1)");
    } finally {
      spy.mockRestore();
    }
  });
});

/** The conformance suite, with a recording logger as the "transport". */
let sink: { lines: string[]; mode: "ok" | "error" | "slow" } = { lines: [], mode: "ok" };
function write(message: string) {
  if (sink.mode !== "ok") throw new Error(`log sink is ${sink.mode}`);
  sink.lines.push(message);
}
describeChannelConformance({
  name: "LoggingChannel",
  create: () =>
    new LoggingChannel({ logger: { debug: write, info: write, warn: write, error: write } }),
  startTransport: () => {
    const current = { lines: [] as string[], mode: "ok" as "ok" | "error" | "slow" };
    sink = current;
    return {
      config: { logLevel: "DEBUG" },
      received: () => current.lines.map((raw) => ({ raw })),
      fail: (mode) => {
        current.mode = mode;
      },
      close: () => {},
    };
  },
  invalidConfigs: [
    { config: { logLevel: "LOUD" }, key: "logLevel" },
    { config: { logLevel: 3 }, key: "logLevel" },
    { config: { logLvl: "INFO" }, key: "logLvl" },
  ],
  timeoutConfig: false,
});
