import { createPostgresStore } from "../src/store/postgres-store.js";
import { createTestDatabase, PG_TEST_URL } from "./postgres-test-db.js";
import { runStoreContract } from "./store-contract.js";

if (PG_TEST_URL) {
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
}
