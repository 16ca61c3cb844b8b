import { defineConfig } from "vitest/config";

/** Console output for people, JUnit XML for PR checks. */
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "scenarios/**/*.test.ts", "fixtures/**/*.test.ts", "bench/**/*.test.ts"],
    reporters: ["default", ["junit", { outputFile: "reports/junit.xml" }]],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    retry: 0,
  },
});
