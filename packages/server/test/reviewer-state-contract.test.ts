/**
 * The reviewer state contract against memory, SQLite (two connections on one file) and
 * PostgreSQL (two pools on one database).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, PG_TEST_URL } from "@safeguards/test-support";
import { describe } from "vitest";
import type { ActionStore } from "../src/store/action-store.js";
import { createMemoryReviewerState } from "../src/store/memory-reviewer-state.js";
import { createPostgresStore } from "../src/store/postgres-store.js";
import { createSqliteStore } from "../src/store/sqlite-store.js";
import { runReviewerStateContract } from "./reviewer-state-contract.js";

runReviewerStateContract("memory", async () => {
  const state = createMemoryReviewerState();
  return { state, other: state, dispose: async () => {} };
});

/** The reviewer states of two stores on one database, and how to dispose of them. */
async function twoStores(make: () => ActionStore, cleanup: () => Promise<void> | void) {
  const stores = [make(), make()];
  for (const store of stores) await store.init();
  const [state, other] = stores.map((s) => s.reviewerState);
  if (!state || !other) throw new Error("the store has no reviewer state");
  return {
    state,
    other,
    dispose: async () => {
      for (const store of stores) await store.close();
      await cleanup();
    },
  };
}

runReviewerStateContract("sqlite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sg-reviewer-state-"));
  return twoStores(
    () => createSqliteStore({ path: join(dir, "inbox.db") }),
    () => rmSync(dir, { recursive: true, force: true }),
  );
});

describe.runIf(PG_TEST_URL)("PostgreSQL reviewer state", () => {
  runReviewerStateContract("postgres", async () => {
    const db = await createTestDatabase();
    return twoStores(
      () => createPostgresStore({ connectionString: db.url }),
      () => db.drop(),
    );
  });
});
