import { Writable } from "node:stream";
import { TerminalApprovalChannel } from "../src/channels/terminal-approval-channel.js";
import { describeChannelConformance } from "../src/testing/index.js";

/** The terminal's output stream of the current test; each write is one received message. */
let sink = { writes: [] as string[], mode: "ok" as "ok" | "error" | "slow" };

function terminalOutput(state: typeof sink): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (state.mode === "error") {
        callback(new Error("terminal output closed"));
        return;
      }
      state.writes.push(chunk.toString("utf8"));
      callback();
    },
  });
}

let output: Writable;

describeChannelConformance({
  name: "TerminalApprovalChannel",
  create: () => new TerminalApprovalChannel({ output, reviewer: "alice" }),
  startTransport: () => {
    sink = { writes: [], mode: "ok" };
    output = terminalOutput(sink);
    return {
      config: { reviewer: "alice" },
      received: () => sink.writes.map((raw) => ({ raw })),
      fail: (mode) => {
        sink.mode = mode;
      },
      close: () => {
        output.destroy();
      },
    };
  },
  invalidConfigs: [
    { config: { reviewer: "" }, key: "reviewer" },
    { config: { reviewer: 7 }, key: "reviewer" },
    { config: { name: "alice" }, key: "name" },
  ],
  timeoutConfig: false, // no network: a local stream
});
