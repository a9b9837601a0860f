/**
 * Runs `main.ts --scripted <decision>` as a child process on a free port (PORT=0) with a
 * temporary SQLite file and checks what it prints and its exit code.
 */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const main = fileURLToPath(new URL("../main.ts", import.meta.url));

function runDemo(decision: string): Promise<{ code: number | null; out: string }> {
  const db = join(mkdtempSync(join(tmpdir(), "inbox-demo-")), "inbox.db");
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--conditions=source", main, "--scripted", decision],
      { cwd: root, env: { ...process.env, PORT: "0", SAFEGUARDS_DB: db }, stdio: "pipe" },
    );
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      out += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe("inbox demo (pnpm start) with a scripted reviewer", () => {
  it("prints the request, the curl commands, and the approved outcome", async () => {
    const { code, out } = await runDemo("approve");
    expect(code).toBe(0);
    expect(out).toMatch(/Approval inbox listening on http:\/\/127\.0\.0\.1:\d+\/api/);
    expect(out).toMatch(/Filed approval request act_\w+/);
    expect(out).toContain("Transaction of $2500.00 requires approval");
    expect(out).toMatch(/curl -sS -X POST '.*\/actions\/act_\w+\/decision'/);
    expect(out).toContain('"response_data":{"amount":"1800.00"}');
    expect(out).toMatch(/Approved transaction executed: \{ success: true, .*amount: 2500\.00/);
    expect(out).toContain("Outcome: approved");
    expect(out).toContain("Decided by: demo-reviewer");
  }, 40_000);

  it("runs the modified transaction with 1800.00", async () => {
    const { code, out } = await runDemo("modify");
    expect(code).toBe(0);
    expect(out).toMatch(/Modified transaction executed: \{ success: true, .*amount: 1800\.00/);
    expect(out).toContain("Outcome: modified");
  }, 40_000);

  it("does not run a rejected transaction", async () => {
    const { code, out } = await runDemo("reject");
    expect(code).toBe(0);
    expect(out).not.toMatch(/transaction executed/i);
    expect(out).toContain(
      "Transaction not executed. Status: rejected, Reason: Too risky for this client",
    );
    expect(out).toContain("Outcome: rejected");
  }, 40_000);

  it("refuses an unknown scripted decision", async () => {
    const { code, out } = await runDemo("maybe");
    expect(code).toBe(2);
    expect(out).toContain("usage:");
  }, 40_000);
});
