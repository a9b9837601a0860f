import { LoggingChannel } from "../src/channels/logging-channel.js";
import { describeChannelConformance } from "../src/testing/index.js";

/** The logger every channel of this file writes to; reset per test by startTransport. */
const sink = { lines: [] as string[], mode: "ok" as "ok" | "error" | "slow" };
const write = (line: string) => {
  if (sink.mode === "error") throw new Error("log sink is full");
  sink.lines.push(line);
};

describeChannelConformance({
  name: "LoggingChannel",
  create: () =>
    new LoggingChannel({ logger: { debug: write, info: write, warn: write, error: write } }),
  startTransport: () => {
    sink.lines = [];
    sink.mode = "ok";
    return {
      config: { logLevel: "INFO" },
      received: () => sink.lines.map((raw) => ({ raw })),
      fail: (mode) => {
        sink.mode = mode;
      },
      close: () => {},
    };
  },
  invalidConfigs: [
    { config: { logLevel: "LOUD" }, key: "logLevel" },
    { config: { logLevel: 3 }, key: "logLevel" },
    { config: { level: "INFO" }, key: "level" },
  ],
  timeoutConfig: false, // no network: nothing can be slow
});
