import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { RunState } from "@openai/agents";
import {
  approvals,
  bankingPolicies,
  deferCleanup,
  eventually,
  inboxReviewer,
  REVIEWER_TOKEN,
  startTestInbox,
} from "@safeguards/test-support";
import { afterAll, describe, expect, it } from "vitest";
import { resolveInterruptions } from "../src/index.js";
import { bankingAgent, scriptedModel } from "./support/scripted.js";

const exec = promisify(execFile);
const root = fileURLToPath(new URL("../../..", import.meta.url));
const child = fileURLToPath(new URL("./support/durable-child.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "oai-durable-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const defer = deferCleanup();
// Node itself (not through pnpm), so killing the process kills the agent.
const tsx = (...args: string[]) => [
  "--import",
  "tsx",
  "--conditions=@safeguards/source",
  child,
  ...args,
];

async function inChild(mode: string, file: string) {
  const { stdout } = await exec(process.execPath, tsx(mode, file), { cwd: root, timeout: 60_000 });
  return JSON.parse(stdout.trim().split("\n").at(-1)!);
}

/** A child process whose JSON output lines are collected as they come. */
function spawnChild(...args: string[]) {
  const proc = spawn(process.execPath, tsx(...args), {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines: Record<string, unknown>[] = [];
  let buffer = "";
  proc.stdout.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split("\n");
    buffer = parts.pop()!;
    for (const line of parts) if (line.startsWith("{")) lines.push(JSON.parse(line));
  });
  const exited = new Promise<number | null>((resolve) => proc.on("exit", resolve));
  defer(() => {
    if (proc.exitCode === null) proc.kill("SIGKILL");
  });
  return { proc, lines, exited };
}

describe("durable approvals across processes", () => {
  it("interrupts in one process, is decided in another, and resumes in a third", async () => {
    const file = join(dir, "run-state.json");
    const first = await inChild("interrupt", file);
    expect(first).toEqual({ ran: [], interruptions: 1 });

    // The deciding process: restore, ask the reviewer, store the decided state.
    const policies = bankingPolicies();
    const { agent } = bankingAgent(scriptedModel([]).model, policies);
    const state = await RunState.fromString(agent, readFileSync(file, "utf8"));
    const { handler, reviewer, channel } = approvals();
    reviewer((r) => channel.approve(r.id, { reviewer: "alice" }));
    const resolved = await resolveInterruptions(
      { interruptions: state.getInterruptions(), state },
      { handler, policies },
    );
    expect(resolved.decisions.map((d) => d.approved)).toEqual([true]);
    writeFileSync(file, resolved.state.toString());

    const last = await inChild("resume", file);
    expect(last.ran).toEqual([
      { tool: "transfer_funds", input: { amount: "2500.00", to: "ACME" } },
    ]);
    expect(last.seen).toEqual({ call_1: "Transferred 2500.00 to ACME" });
    expect(last.output).toBe("done");
  }, 120_000);

  it("through a real inbox: a process files and dies, another restores the run, picks up the same request and gets its decision", async () => {
    const { inbox, url } = await startTestInbox({ apiKeys: { "agent-key-bank-bot": "bank-bot" } });
    defer(() => inbox.close());
    const headers = { authorization: `Bearer ${REVIEWER_TOKEN}` };
    const pending = async () =>
      (
        (await (await fetch(`${url}/actions?status=pending`, { headers })).json()) as {
          actions: { id: string }[];
        }
      ).actions;
    const file = join(dir, "inbox-run-state.json");

    const first = spawnChild("file", file, url);
    await eventually(async () => (await pending()).length === 1, 60_000, 20);
    first.proc.kill("SIGKILL"); // gone while its request waits in the inbox
    await first.exited;
    const [filed] = await pending();

    const second = spawnChild("resume", file, url);
    await eventually(() => second.lines.some((l) => l.attached), 60_000, 20);
    const reviewer = inboxReviewer(url, REVIEWER_TOKEN, () => [{ type: "approve" }]);
    defer(() => reviewer.stop());
    expect(await second.exited).toBe(0);
    await reviewer.stop();
    expect(reviewer.answers.map((a) => [a.id, a.status])).toEqual([[filed!.id, 200]]);
    expect(await pending()).toEqual([]); // one request for the call, decided once
    expect(second.lines.at(-1)).toMatchObject({
      ran: [{ tool: "transfer_funds", input: { amount: "2500.00", to: "ACME" } }],
      seen: { call_1: "Transferred 2500.00 to ACME" },
      output: "done",
    });
  }, 120_000);
});
