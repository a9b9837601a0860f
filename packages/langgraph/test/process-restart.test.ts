import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { isInterrupted } from "@langchain/langgraph";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { InProcessApprovalChannel } from "@safeguards/core";
import { afterAll, describe, expect, it } from "vitest";
import { createInboxBridge } from "../src/inbox-bridge.js";
import { buildPaymentsGraph, type RunLog } from "./fixtures/payments-graph.js";
import { cleanupDirs, tempDir } from "./fixtures/savers.js";

afterAll(cleanupDirs);

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../..", import.meta.url));
const child = fileURLToPath(new URL("./fixtures/restart-child.ts", import.meta.url));

async function inChild(...args: string[]) {
  const { stdout } = await run(
    "pnpm",
    ["exec", "tsx", "--conditions=@safeguards/source", child, ...args],
    {
      cwd: root,
      timeout: 60_000,
    },
  );
  const line = stdout.trim().split("\n").at(-1)!;
  return JSON.parse(line);
}

describe("process restart with a SQLite checkpoint", () => {
  it("interrupts in one process and resumes in another", async () => {
    const file = join(tempDir(), "agent.db");
    const first = await inChild("interrupt", file, "p1");
    expect(first.log).toEqual([]);
    expect(first.pending.map((p: { toolCallId: string }) => p.toolCallId).sort()).toEqual([
      "c1",
      "c2",
    ]);

    const decisions = {
      c1: { type: "modify", responseData: { amount: "1500.00" } },
      c2: { type: "reject", comments: "no" },
    };
    const second = await inChild("resume", file, "p1", JSON.stringify(decisions));
    expect(second.pid).not.toBe(first.pid);
    expect(second.before.map((p: { interruptId: string }) => p.interruptId).sort()).toEqual(
      first.pending.map((p: { interruptId: string }) => p.interruptId).sort(),
    );
    expect(second.log).toEqual([
      { name: "transfer_funds", args: { amount: "1500.00", to: "ACME" } },
    ]);
    expect(second.tools).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: "c2", status: "error" }),
        expect.objectContaining({ id: "c1", status: "success" }),
      ]),
    );
  }, 120_000);

  it("interrupts in a child process; the bridge in this process files, hears the decision and resumes once", async () => {
    const file = join(tempDir(), "agent.db");
    await inChild("interrupt", file, "p2");
    const inbox = new InProcessApprovalChannel();
    inbox.onRequest((request) => {
      // scripted reviewer
      queueMicrotask(() => {
        if (request.metadata.tool_call_id === "c1") inbox.approve(request.id, { reviewer: "cfo" });
        else inbox.reject(request.id, { comments: "keep" });
      });
    });
    const log: RunLog = [];
    const checkpointer = SqliteSaver.fromConnString(file);
    const graph = buildPaymentsGraph({ checkpointer, calls: [], log });
    const resumed: unknown[] = [];
    let done: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    const bridge = createInboxBridge({
      graph,
      channel: inbox,
      checkpointer,
      onResumed: (_t, r) => {
        resumed.push(r);
        if (!isInterrupted(r)) done();
      },
    });
    expect(await bridge.start()).toEqual(["p2"]);
    await finished;
    await bridge.idle();
    expect(resumed.length).toBeGreaterThanOrEqual(1);
    expect(log).toEqual([{ name: "transfer_funds", args: { amount: "2500.00", to: "ACME" } }]);
    expect(await bridge.start()).toEqual([]);
    bridge.stop();
  }, 120_000);
});
