import { defineConfig } from "vitest/config";

// Workspace packages resolve to their TypeScript sources through the "source"
// export condition, so tests never need a build first.
export default defineConfig({
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    include: ["packages/*/test/**/*.test.ts", "examples/*/test/**/*.test.ts"],
    // The reliability suite (soak, faults, fuzz) runs apart: pnpm test:reliability.
    exclude: ["**/node_modules/**", "**/*.reliability.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: "forks",
  },
});
