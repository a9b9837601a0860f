import { createTestDatabase, PG_TEST_URL } from "@safeguards/test-support";
import { describe } from "vitest";
import { createPostgresStore } from "../src/store/postgres-store.js";
import { runStoreContract } from "./store-contract.js";

// Each test gets its own fresh database.
describe.runIf(PG_TEST_URL)("PostgreSQL store", () => {
  runStoreContract("postgres", async () => {
    const db = await createTestDatabase();
    const store = createPostgresStore({ connectionString: db.url });
    await store.init();
    return {
      store,
      dispose: async () => {
        await store.close();
        await db.drop();
      },
    };
  });
});
