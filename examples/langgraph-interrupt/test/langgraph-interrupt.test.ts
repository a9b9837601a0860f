import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runInProcess } from "../in-process.js";

describe("langgraph-interrupt example (in-process variant)", () => {
  it("runs exactly the approved and modified calls after the agent restarts", async () => {
    const dir = mkdtempSync(join(tmpdir(), "langgraph-interrupt-test-"));
    try {
      expect(await runInProcess(dir)).toEqual([
        "transfer_funds 1800.00 -> ACME Ltd",
        "close_account ACC-OLD-17",
        "get_balance ACC-MAIN",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
