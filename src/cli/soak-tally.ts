import type { JUnitCase } from "./junit-results.ts";

/** One run of the suite within a soak. */
export interface SoakRun {
  /** 1-based. */
  index: number;
  exitCode: number | null;
  durationMs: number;
  cases: readonly JUnitCase[];
}

/** A test that failed in at least one run. */
export interface FlakyTest {
  id: string;
  failedRuns: number[];
  /** The first line of its failure message, per failed run. */
  messages: string[];
}

/** What a soak found. */
export interface SoakTally {
  runs: number;
  /** Runs where some test failed or the runner itself failed. */
  failedRuns: number[];
  /** Every test that failed in any run, most frequent first. */
  failures: FlakyTest[];
  /** Runs that exited non-zero without a failing test case (an unhandled error, a crash, a missing report). */
  brokenRuns: { index: number; exitCode: number | null }[];
}

export function tallySoak(runs: readonly SoakRun[]): SoakTally {
  const failures = new Map<string, FlakyTest>();
  const brokenRuns: SoakTally["brokenRuns"] = [];
  for (const run of runs) {
    const failed = run.cases.filter((testCase) => testCase.outcome === "failed");
    for (const testCase of failed) {
      const entry = failures.get(testCase.id) ?? { id: testCase.id, failedRuns: [], messages: [] };
      entry.failedRuns.push(run.index);
      entry.messages.push(testCase.message ?? "");
      failures.set(testCase.id, entry);
    }
    if (failed.length === 0 && run.exitCode !== 0) brokenRuns.push({ index: run.index, exitCode: run.exitCode });
  }
  const failedRuns = runs.filter((run) => run.exitCode !== 0 || run.cases.some((testCase) => testCase.outcome === "failed")).map((run) => run.index);
  return {
    runs: runs.length,
    failedRuns,
    failures: [...failures.values()].sort((a, b) => b.failedRuns.length - a.failedRuns.length || a.id.localeCompare(b.id)),
    brokenRuns,
  };
}

/** The soak's verdict for people: every failing test with how often, or that there was none. */
export function formatSoakTally(tally: SoakTally): string {
  const lines = [`soak: ${tally.runs} run(s), ${tally.runs - tally.failedRuns.length} without a failure`];
  if (tally.failures.length === 0 && tally.brokenRuns.length === 0) return `${lines[0]}: no test failed\n`;
  for (const failure of tally.failures) {
    lines.push(`  ${failure.failedRuns.length}/${tally.runs}  ${failure.id}  (runs ${failure.failedRuns.join(", ")})`);
    const message = failure.messages.find(Boolean);
    if (message) lines.push(`         ${message}`);
  }
  for (const broken of tally.brokenRuns)
    lines.push(`  run ${broken.index} exited ${broken.exitCode ?? "by a signal"} without a failing test case (see its log)`);
  return `${lines.join("\n")}\n`;
}
