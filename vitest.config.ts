import { defineConfig } from "vitest/config";
import DurationSequencer from "./src/test-order/duration-sequencer.ts";

/**
 * Three projects, one after the other: fast tests in parallel, then the chaos
 * scenarios three at a time, then the scenarios that load the whole machine,
 * one at a time. Run every scenario with `--project 'scenarios*'`. Console
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

/** Scenarios whose fault loads the whole machine, not one dependency: they run with nothing beside them. */
const MACHINE_WIDE_SCENARIOS = ["scenarios/cpu-starvation.test.ts", "scenarios/kubernetes/cpu-stress-postgres.test.ts"];

export default defineConfig({
  test: {
    reporters: ["default", ["junit", { outputFile: `${reportsDir}/junit.xml` }], "./src/chaos/report/resilience-reporter.ts"],
    pool: "forks",
    // One cache per test run: every scenario of the same corpus reuses one fault-free run and one upload of the corpus.
    globalSetup: ["./src/chaos/experiment/testing/run-cache-setup.ts"],
    // Longest files first within each project, also on a clone without Vitest's cache of the last run's durations.
    sequence: { sequencer: DurationSequencer },
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
          // Three at a time: the longest unit files mostly wait on the processes they start (CLI runs, pipelines), and
          // with two workers the cores sat a quarter idle for two minutes of a fresh-clone run (6:15 → 5:53 with three).
          maxWorkers: 3,
        },
      },
      {
        extends: true,
        test: {
          // Three scenarios at a time: much of a scenario's time is a fault window and a recovery the pipeline waits
          // through (two at a time kept 1.3 of the two cores busy here, three 1.6), and each scenario has its own
          // environment (own Postgres, S3, proxies, ports, temp dirs).
          name: "scenarios",
          include: ["scenarios/**/*.test.ts"],
          exclude: MACHINE_WIDE_SCENARIOS,
          maxWorkers: 3,
          testTimeout: 180_000,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          // Faults that load the whole machine (CPU starvation) would also starve a neighbour: these run alone, last.
          name: "scenarios-alone",
          include: MACHINE_WIDE_SCENARIOS,
          fileParallelism: false,
          testTimeout: 180_000,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
