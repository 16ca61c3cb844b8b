import { defineConfig } from "vitest/config";

/**
 * Two projects: fast tests in parallel first, then the chaos scenarios one at
 * a time (each breaks shared things on purpose: CPU, timing, ports). Console
 * output for people, JUnit XML for PR checks, the resilience report (JSON +
 * HTML) from the scenarios' journals, all under CHAOS_REPORTS_DIR (default
 * `reports/`).
 */
const reportsDir = process.env.CHAOS_REPORTS_DIR ?? "reports";

// The AWS SDK warns in every process on Node < 22 (its releases after January 2027 need 22);
// say it once here instead of once per test worker and pipeline child.
if (Number(process.versions.node.split(".")[0]) < 22 && !process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED) {
  console.warn(`note: Node ${process.versions.node}: AWS SDK releases after January 2027 need Node >= 22`);
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
}

export default defineConfig({
  test: {
    reporters: ["default", ["junit", { outputFile: `${reportsDir}/junit.xml` }], "./src/chaos/report/resilience-reporter.ts"],
    pool: "forks",
    // One golden-output cache per test run: every scenario of the same corpus reuses one fault-free run.
    globalSetup: ["./src/chaos/experiment/testing/golden-cache-setup.ts"],
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    retry: 0,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["src/**/*.test.ts", "fixtures/**/*.test.ts", "bench/**/*.test.ts", "mutants/**/*.test.ts", "infra/**/*.test.ts"],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "scenarios",
          include: ["scenarios/**/*.test.ts"],
          fileParallelism: false,
          testTimeout: 180_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
