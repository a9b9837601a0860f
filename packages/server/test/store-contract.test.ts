import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryStore } from "../src/store/memory-store.js";
import { createSqliteStore } from "../src/store/sqlite-store.js";
import { runStoreContract } from "./store-contract.js";

runStoreContract("memory", async () => {
  const store = createMemoryStore();
  await store.init();
  return { store, dispose: () => store.close() };
});

runStoreContract("sqlite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sg-store-"));
  const store = createSqliteStore({ path: join(dir, "inbox.db") });
  await store.init();
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
