import { statSync } from "node:fs";
import { join } from "node:path";
import { deferCleanup } from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import { watchCheckpoints } from "../src/store/sqlite-checkpointer.js";
import { createSqliteStore } from "../src/store/sqlite-store.js";
import { tempDbPath } from "./helpers.js";
import { file } from "./store-contract.js";

const defer = deferCleanup();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Files 30 bursts of 10 actions with pauses; answers the largest `-wal` size seen after the
 * first 20 (the worker thread has long started by then, even on a loaded machine).
 */
async function writeInBursts(backgroundCheckpoints: boolean) {
  const path = tempDbPath();
  const store = createSqliteStore({ path, backgroundCheckpoints, checkpointIntervalMs: 5 });
  defer(() => store.close());
  await store.init();
  let largest = 0;
  for (let batch = 0; batch < 30; batch++) {
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => file(store, `act_${batch}_${i}`, "bot")),
    );
    if (batch >= 20) largest = Math.max(largest, statSync(`${path}-wal`).size);
    await sleep(40);
  }
  return { store, largest };
}

describe("background WAL checkpoints", () => {
  it("keep the WAL small without the writer checkpointing, and lose nothing", async () => {
    const inline = await writeInBursts(false);
    const background = await writeInBursts(true);
    // Without checkpoints between bursts the WAL holds every burst (SQLite's own threshold,
    // 1,000 pages, is not reached); with them each burst starts again at the WAL's head.
    expect(background.largest).toBeLessThan(inline.largest / 4);
    const filed = await background.store.list({ status: "pending", limit: 500 });
    expect(filed.actions).toHaveLength(300);
  });

  it("skip a file that cannot be opened and keep checkpointing the others", async () => {
    const stopMissing = watchCheckpoints(join(tempDbPath(), "..", "missing", "inbox.db"), {
      intervalMs: 5,
    });
    try {
      const { largest } = await writeInBursts(true);
      expect(largest).toBeGreaterThan(0);
      expect(largest).toBeLessThan(500_000); // about 1.3 MB without checkpoints
    } finally {
      stopMissing();
    }
  });
});
