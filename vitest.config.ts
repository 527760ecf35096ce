import { defineConfig } from "vitest/config";

// One run covers every workspace package. Server-backed suites read DATABASE_URL
// (and EVENTSTORE_URL); .ci/run exports them.
export default defineConfig({
  test: {
    include: ["{packages,services,projections,scripts}/*/test/**/*.test.ts", "scripts/test/**/*.test.ts"],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ["default"],
  },
});
