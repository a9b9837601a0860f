import { defineConfig } from "vitest/config";

// Workspace packages resolve to their TypeScript sources through the "@safeguards/source"
// export condition, so tests never need a build first. (Not a plain "source": dependencies
// such as eventsource-parser publish one pointing at .ts files Node cannot load.)
export default defineConfig({
  resolve: { conditions: ["@safeguards/source"] },
  ssr: { resolve: { conditions: ["@safeguards/source"] } },
  test: {
    include: ["packages/*/test/**/*.test.ts", "examples/*/test/**/*.test.ts"],
    // The reliability suite (soak, faults, fuzz) runs apart: pnpm test:reliability.
    exclude: ["**/node_modules/**", "**/*.reliability.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // expect.poll waits on real servers and browsers: its 1 s default is too short on a
    // loaded 2-core machine (the bound only ends a failing test).
    expect: { poll: { timeout: 15_000 } },
    pool: "forks",
  },
});
