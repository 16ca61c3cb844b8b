import { GUARD_REFUSAL_PREFIX } from "../chaos/core/index.ts";
import type { ExperimentStatus } from "../chaos/experiment/index.ts";

/** One scenario test as the run saw it. */
export interface ScenarioOutcome {
  /** Scenario name (its file name without `.test.ts`). */
  scenario: string;
  test: string;
  state: "passed" | "failed" | "skipped";
  /** The experiment journal's status; absent when no experiment produced a journal (the environment or the test broke first). */
  journalStatus?: ExperimentStatus;
  /** Why it failed or was skipped: the first error, or the skip note. */
  reason?: string;
  /** The journal file, when one was written. */
  journal?: string;
}

/** What a whole run comes to, worst first. */
export type RunVerdict = "failed-to-start" | "aborted-by-safety" | "interrupted" | "scenario-failed" | "nothing-ran" | "passed";

/**
 * Exit codes of `chaos-control run`: distinct, so CI can tell a failed
 * verdict from a broken run. 2 is bad usage (not a verdict).
 */
export const RUN_EXIT_CODES: Readonly<Record<RunVerdict, number>> = {
  passed: 0,
  "scenario-failed": 1,
  "aborted-by-safety": 3,
  "failed-to-start": 4,
  "nothing-ran": 5,
  interrupted: 130,
};

/** What each exit code means, for `--help` and the README. */
export const RUN_EXIT_CODE_MEANINGS: Readonly<Record<RunVerdict, string>> = {
  passed: "every scenario that ran passed",
  "scenario-failed": "a scenario's verdict failed (recovery, integrity, or its proof of fault)",
  "aborted-by-safety": "a safety limit stopped or refused an experiment (time limit, retry ceiling, blast-radius guard, a target not opted into)",
  "failed-to-start": "an environment or a scenario broke before its experiment produced a journal, or the run itself errored",
  "nothing-ran": "no scenario ran: every selected one was skipped",
  interrupted: "Ctrl-C / SIGTERM: faults were rolled back",
};

/** Per failed scenario, which kind of failure it is. */
export function failureKind(outcome: ScenarioOutcome): Exclude<RunVerdict, "passed" | "nothing-ran"> | undefined {
  if (outcome.state !== "failed") return undefined;
  switch (outcome.journalStatus) {
    case undefined:
      // A guard that refused to start the environment touched nothing on purpose: a safety refusal, not a failure to start.
      return outcome.reason?.startsWith(GUARD_REFUSAL_PREFIX) ? "aborted-by-safety" : "failed-to-start";
    case "aborted":
      return "aborted-by-safety";
    case "interrupted":
      return "interrupted";
    default:
      return "scenario-failed";
  }
}

/** The run's verdict: the worst failure kind; "nothing-ran" when no scenario ran at all; a run-level error counts as failed-to-start. */
export function runVerdict(outcomes: readonly ScenarioOutcome[], runErrors = 0): RunVerdict {
  const kinds = new Set(outcomes.map(failureKind));
  if (runErrors > 0 || kinds.has("failed-to-start")) return "failed-to-start";
  for (const kind of ["interrupted", "aborted-by-safety", "scenario-failed"] as const) if (kinds.has(kind)) return kind;
  return outcomes.some((outcome) => outcome.state === "passed") ? "passed" : "nothing-ran";
}

/** The `--json` summary. */
export interface RunSummary {
  verdict: RunVerdict;
  exitCode: number;
  meaning: string;
  environment: string;
  counts: { passed: number; failed: number; skipped: number };
  scenarios: (ScenarioOutcome & { failure?: string })[];
  runErrors: string[];
}

export function runSummary(environment: string, outcomes: readonly ScenarioOutcome[], runErrors: readonly string[]): RunSummary {
  const verdict = runVerdict(outcomes, runErrors.length);
  const count = (state: ScenarioOutcome["state"]) => outcomes.filter((outcome) => outcome.state === state).length;
  return {
    verdict,
    exitCode: RUN_EXIT_CODES[verdict],
    meaning: RUN_EXIT_CODE_MEANINGS[verdict],
    environment,
    counts: { passed: count("passed"), failed: count("failed"), skipped: count("skipped") },
    scenarios: outcomes.map((outcome) => {
      const failure = failureKind(outcome);
      return failure === undefined ? { ...outcome } : { ...outcome, failure };
    }),
    runErrors: [...runErrors],
  };
}
