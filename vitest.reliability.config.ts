import { defineConfig } from "vitest/config";

// The reliability suite of packages/server (soak, faults, bad input on PostgreSQL):
// `pnpm test:reliability`. Sizes come from the environment (SAFEGUARDS_SOAK_ACTIONS, ...);
// the defaults keep the whole suite within a few minutes on 2 cores.
export default defineConfig({
  resolve: { conditions: ["@safeguards/source"] },
  ssr: { resolve: { conditions: ["@safeguards/source"] } },
  test: {
    include: ["packages/*/test/reliability/**/*.reliability.test.ts"],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    expect: { poll: { timeout: 15_000 } },
    pool: "forks",
    // One file at a time: each one loads the machine (and one restarts PostgreSQL).
    fileParallelism: false,
  },
});
