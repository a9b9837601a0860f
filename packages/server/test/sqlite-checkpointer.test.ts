import { readFileSync, statSync } from "node:fs";
import { endianness } from "node:os";
import { join } from "node:path";
import { deferCleanup, eventually } from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import { watchCheckpoints } from "../src/store/sqlite-checkpointer.js";
import { createSqliteStore } from "../src/store/sqlite-store.js";
import { tempDbPath } from "./helpers.js";
import { file } from "./store-contract.js";

const defer = deferCleanup();

/** Bursts filed; each is 10 actions. */
const BURSTS = 12;
/** How long a checkpoint may take to come on a loaded machine (failure only). */
const CHECKPOINT_MS = 15_000;

/**
 * The WAL's state from its shared-memory index (the `-shm` file, laid out in
 * https://sqlite.org/walformat.html): `mxFrame`, the last valid frame (offset 16 of the
 * header), and `nBackfill`, the frames a checkpoint has copied into the database (offset 96).
 * All frames backfilled means a checkpoint ran to the end; the next commit writes at the WAL's
 * head instead of growing it.
 */
function walIndex(path: string): { frames: number; backfilled: number } {
  const shm = readFileSync(`${path}-shm`);
  const u32 = (offset: number) =>
    endianness() === "LE" ? shm.readUInt32LE(offset) : shm.readUInt32BE(offset);
  return { frames: u32(16), backfilled: u32(96) };
}

/** True once a checkpoint copied every frame of the WAL into the database. */
const checkpointed = (path: string) => {
  const { frames, backfilled } = walIndex(path);
  return frames > 0 && backfilled === frames;
};

/**
 * Files {@link BURSTS} bursts of 10 actions; with `awaitCheckpoints`, waits after each burst
 * until a checkpoint has backfilled the whole WAL. Answers the store, its path and the WAL
 * file's size after the first burst and at the end.
 */
async function writeInBursts(backgroundCheckpoints: boolean, awaitCheckpoints: boolean) {
  const path = tempDbPath();
  const store = createSqliteStore({ path, backgroundCheckpoints, checkpointIntervalMs: 5 });
  defer(() => store.close());
  await store.init();
  let first = 0;
  for (let burst = 0; burst < BURSTS; burst++) {
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => file(store, `act_${burst}_${i}`, "bot")),
    );
    if (burst === 0) first = statSync(`${path}-wal`).size;
    if (awaitCheckpoints) await eventually(() => checkpointed(path), CHECKPOINT_MS);
  }
  return { store, path, first, last: statSync(`${path}-wal`).size };
}

describe("background WAL checkpoints", () => {
  it("keep the WAL small without the writer checkpointing, and lose nothing", async () => {
    // The writer's own automatic checkpoint (1,000 pages) is never reached here, so without
    // the thread nothing is ever backfilled and the WAL holds every burst.
    const inline = await writeInBursts(false, false);
    expect(checkpointed(inline.path)).toBe(false);
    expect(walIndex(inline.path).backfilled).toBe(0);
    expect(inline.last).toBeGreaterThan(inline.first * 3); // about 144 KB, then 43 KB a burst
    // With the thread every burst is backfilled (awaited), so the next starts at the WAL's head
    // (room left for a few restarts missed while the thread held a lock for a moment).
    const background = await writeInBursts(true, true);
    expect(background.last).toBeLessThan(background.first * 2);
    expect(background.last).toBeLessThan(inline.last / 2);
    const filed = await background.store.list({ status: "pending", limit: 500 });
    expect(filed.actions).toHaveLength(BURSTS * 10);
  });

  it("skip a file that cannot be opened and keep checkpointing the others", async () => {
    const stopMissing = watchCheckpoints(join(tempDbPath(), "..", "missing", "inbox.db"), {
      intervalMs: 5,
    });
    try {
      const { first, last } = await writeInBursts(true, true); // every burst was backfilled
      expect(last).toBeLessThan(first * 2);
    } finally {
      stopMissing();
    }
  });
});
