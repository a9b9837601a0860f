/**
 * Runs the example as `pnpm examples` does (a child process) and checks its verdicts and
 * exit code.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const main = fileURLToPath(new URL("../main.ts", import.meta.url));

describe("examples/four-eyes", () => {
  it("two of finance approve, the CFO is added after a minute, a rejection vetoes; exit 0", () => {
    const run = spawnSync(
      process.execPath,
      ["--import", "tsx", "--conditions=@safeguards/source", main],
      { cwd: root, encoding: "utf8", timeout: 60_000 },
    );
    const out = `${run.stdout}${run.stderr}`;
    expect(out).not.toContain("UNEXPECTED");
    for (const line of [
      "alice (finance) approves -> 409 already_approved",
      "dave (sales) approves -> 403 forbidden",
      "outcome: approved; paid: 60000.00; approved by: alice, bob",
      "escalated: assignees are now group:finance, group:cfo",
      "outcome: approved; paid: 75000.00; approved by: alice, carol",
      "outcome: rejected; paid: nothing; approved by: alice",
      "All four payments behaved as the policy says.",
    ]) {
      expect(out).toContain(line);
    }
    expect(run.status).toBe(0);
  });
});
