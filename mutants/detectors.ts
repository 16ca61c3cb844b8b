import { mkdir, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { junitCases } from "../src/cli/junit-results.ts";
import { runChild, type ChildExit } from "./child-run.ts";

/** The suites a mutant is run against. Unit tests are not among them: a test that names the changed code proves nothing about the chaos suite. */
export type DetectorName = "scenarios" | "explore";

export const DETECTORS: readonly DetectorName[] = ["scenarios", "explore"];

/** What one detector made of one mutant. */
export interface Detection {
  detector: DetectorName;
  /**
   * caught: a test case failed; passed: every test passed; inconclusive: a test failed, but an experiment injected
   * nothing (its steady state did not hold before the method) or was stopped by its time limit, which a loaded
   * machine causes as well as a mutant; error: it failed without a failing test case (infrastructure, timeout);
   * unavailable: the command does not exist in this copy; unconfirmed: a scenario failed in the suite but passed
   * when run again alone (a flaky scenario, not a catch).
   */
  verdict: "caught" | "passed" | "inconclusive" | "unconfirmed" | "error" | "unavailable";
  /** The failing test cases, "file > test", from the JUnit report. */
  failedTests: string[];
  /** The first line of the first failure, or what went wrong. */
  message?: string;
  exitCode: number | null;
  durationMs: number;
  /** The detector's console output, in the scratch copy (gone once it is removed). */
  logPath: string;
}

/** A scenario run stops at the first failure; this only bounds a hang the scenarios' own timeouts miss. */
const SCENARIOS_TIMEOUT_MS = 60 * 60_000;
const EXPLORE_TIMEOUT_MS = 30 * 60_000;

/** Options of one detector run. */
export interface DetectorRun {
  signal?: AbortSignal;
  /** > 1 keeps a rerun's reports and log apart. */
  attempt?: number;
  /** Scenario files to run instead of the whole project (a catch confirmed alone, or the mutant's expected scenario). */
  files?: readonly string[];
  /** Explore only the cells whose name contains one of these (the mutant's expected cell), on one environment. */
  cells?: readonly string[];
}

/** Runs `detector` in the scratch copy at `root`. */
export async function runDetector(detector: DetectorName, root: string, { signal, attempt = 1, files = [], cells = [] }: DetectorRun = {}): Promise<Detection> {
  const suffix = attempt > 1 ? `-${attempt}` : "";
  const reportsDir = join(root, `reports-${detector}${suffix}`);
  await mkdir(reportsDir, { recursive: true });
  const logPath = join(root, `${detector}${suffix}.log`);
  // The copy's own golden cache: golden outputs of another pipeline's code must not be reused.
  const env: NodeJS.ProcessEnv = { ...process.env, CHAOS_REPORTS_DIR: reportsDir, FORCE_COLOR: "0" };
  delete env.CHAOS_GOLDEN_CACHE_DIR;
  if (detector === "explore" && !(await exploreAvailable(root))) {
    return { detector, verdict: "unavailable", failedTests: [], message: "no explore command in src/cli/main.ts", exitCode: null, durationMs: 0, logPath };
  }
  const [args, timeoutMs] =
    detector === "scenarios"
      ? [["node_modules/vitest/vitest.mjs", "run", "--project", "scenarios*", "--bail=1", ...files], SCENARIOS_TIMEOUT_MS]
      : [["bin/chaos-control.mjs", "explore", ...exploreNarrowing(cells)], EXPLORE_TIMEOUT_MS];
  const exit = await runChild(process.execPath, args, { cwd: root, env, logPath, timeoutMs, signal });
  const detection = judge(detector, exit, await failedCases(reportsDir), logPath);
  if (detection.verdict !== "caught") return detection;
  const notInjected = await experimentsWithoutMethod(join(reportsDir, "journals"));
  if (notInjected.length === 0) {
    // An experiment stopped by its time limit may be the mutant (a missing deadline) or a loaded machine, where the
    // unmodified pipeline is stopped too (seen: sliced-packets at load 17 on 2 cores): not counted as a catch.
    const aborted = await experimentsWithStatus(join(reportsDir, "journals"), "aborted");
    if (aborted.length === 0) return detection;
    return { ...detection, verdict: "inconclusive", message: `${aborted.join(", ")} aborted (time limit): ${detection.message ?? "no message"}` };
  }
  return {
    ...detection,
    verdict: "inconclusive",
    message: `nothing was injected in ${notInjected.join(", ")} (steady state or time limit before the method): ${detection.message ?? "no message"}`,
  };
}

/** `chaos-control explore` options for a few cells: each as a filter, one environment (a second would sit idle). */
export function exploreNarrowing(cells: readonly string[]): string[] {
  return cells.length === 0 ? [] : [...cells.flatMap((cell) => ["--filter", cell]), "--workers", "1"];
}

/**
 * Ids of the experiments that never injected a fault (none recorded, or none with an injection time), from their
 * journals in `dir`: the steady state did not hold before the method, or the time limit ran out before it (a loaded
 * machine). Every scenario injects at least one fault, so a journal without one never reached its method.
 */
export async function experimentsWithoutMethod(dir: string): Promise<string[]> {
  return journalIds(dir, (journal) => journal.steadyStateBefore === false || journal.faults.every((fault) => fault.injectedAt === null));
}

/** Ids of the experiments that ended with `status` (e.g. "aborted" by their time limit). */
export async function experimentsWithStatus(dir: string, status: string): Promise<string[]> {
  return journalIds(dir, (journal) => journal.status === status);
}

/** The parts of a journal the runner reads. */
interface JournalFields {
  id?: string;
  status?: string;
  steadyStateBefore?: boolean | null;
  faults: { injectedAt?: number | null }[];
}

async function journalIds(dir: string, keep: (journal: JournalFields) => boolean): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const ids: string[] = [];
  for (const name of names.filter((file) => file.endsWith(".json")).sort()) {
    const parsed = JSON.parse(await readFile(join(dir, name), "utf8")) as Partial<JournalFields>;
    const journal = { ...parsed, faults: Array.isArray(parsed.faults) ? parsed.faults : [] };
    if (keep(journal)) ids.push(journal.id ?? name);
  }
  return ids;
}

/** Whether the copy's CLI has an `explore` command (it is being built on another branch). */
export async function exploreAvailable(root: string): Promise<boolean> {
  const main = await readFile(join(root, "src/cli/main.ts"), "utf8").catch(() => "");
  return /case\s+["']explore["']/.test(main);
}

/** A detector caught the mutant only if a test case failed; a non-zero exit without one is an error, not a catch. */
export function judge(detector: DetectorName, exit: ChildExit, failed: { id: string; message?: string }[], logPath: string): Detection {
  const base = { detector, exitCode: exit.exitCode, durationMs: exit.durationMs, logPath, failedTests: failed.map((test) => test.id) };
  if (failed.length > 0) return { ...base, verdict: "caught", ...(failed[0]?.message ? { message: failed[0].message } : {}) };
  if (exit.exitCode === 0 && !exit.killed) return { ...base, verdict: "passed" };
  const how = exit.killed ? "was stopped (timeout or interrupt)" : `exited ${exit.exitCode ?? exit.signal} without a failed test case`;
  return { ...base, verdict: "error", message: `${detector} ${how}` };
}

/** The failed test cases of every JUnit report in `dir`. */
export async function failedCases(dir: string): Promise<{ id: string; message?: string }[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const failed: { id: string; message?: string }[] = [];
  for (const name of names.filter((file) => file.endsWith(".xml")).sort()) {
    for (const test of junitCases(await readFile(join(dir, name), "utf8"))) {
      if (test.outcome === "failed") failed.push({ id: test.id, ...(test.message ? { message: test.message } : {}) });
    }
  }
  return failed;
}
