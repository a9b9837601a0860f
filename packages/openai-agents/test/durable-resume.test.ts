import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { RunState } from "@openai/agents";
import { approvals, bankingPolicies } from "@safeguards/test-support";
import { afterAll, describe, expect, it } from "vitest";
import { resolveInterruptions } from "../src/index.js";
import { bankingAgent, scriptedModel } from "./support/scripted.js";

const exec = promisify(execFile);
const root = fileURLToPath(new URL("../../..", import.meta.url));
const child = fileURLToPath(new URL("./support/durable-child.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "oai-durable-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function inChild(mode: string, file: string) {
  const { stdout } = await exec(
    "pnpm",
    ["exec", "tsx", "--conditions=@safeguards/source", child, mode, file],
    { cwd: root, timeout: 60_000 },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1)!);
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
});
