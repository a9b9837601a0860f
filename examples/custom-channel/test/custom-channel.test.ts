import { createAlert } from "@safeguards/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CustomChannel } from "../custom-channel.js";
import { main } from "../main.js";

function capture(method: "log" | "warn") {
  const lines: string[] = [];
  const spy = vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(" "));
  });
  return { lines, spy };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("custom-channel example", () => {
  it("delivers the alert through the custom and the logging channel and prints the report", async () => {
    const log = capture("log");
    const warn = capture("warn");
    const { report, afterShutdown } = await main();
    expect(report).toEqual({ custom: { delivered: true }, logging: { delivered: true } });
    expect(afterShutdown).toBe(false);
    expect(log.lines).toEqual([
      "Custom notification: Transaction Limit Exceeded - Agent financial_advisor requested a transaction of 2500.00 (limit 1000.00)",
      "channel custom: delivered",
      "channel logging: delivered",
      "custom channel after shutdown: refused",
    ]);
    expect(warn.lines).toHaveLength(1);
    expect(warn.lines[0]).toMatch(/^\[WARNING\] Transaction Limit Exceeded: .*"amount":"2500.00"/);
  });

  it("CustomChannel behaves as the guide's: false before initialize and after shutdown", () => {
    const log = capture("log");
    const channel = new CustomChannel();
    const alert = createAlert({ title: "t", description: "d" });
    expect(channel.sendNotification(alert)).toBe(false);
    channel.initialize({ destination: "stdout" });
    expect(channel.getConfig()).toEqual({ destination: "stdout" });
    expect(channel.sendNotification(alert)).toBe(true);
    channel.shutdown();
    expect(channel.sendNotification(alert)).toBe(false);
    expect(log.lines).toEqual(["Custom notification: t - d"]);
  });

  it("its typed config makes a misspelled key a compile error", () => {
    const channel = new CustomChannel();
    // @ts-expect-error: "destinaton" is not a key of CustomChannelConfig
    channel.initialize({ destinaton: "stdout" });
    expect(channel.getConfig()).toEqual({ destinaton: "stdout" }); // this channel does not validate at run time
  });
});
