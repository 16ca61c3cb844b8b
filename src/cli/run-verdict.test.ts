import { describe, expect, it } from "vitest";
import { TargetNotAllowedError } from "../chaos/external/index.ts";
import { RUN_EXIT_CODES, failureKind, runSummary, runVerdict, type ScenarioOutcome } from "./run-verdict.ts";
import { scenarioOutcomes, type TaskLike } from "./vitest-outcomes.ts";

const passed: ScenarioOutcome = { scenario: "s3-throttling", test: "t", state: "passed", journalStatus: "completed" };
const skipped: ScenarioOutcome = { scenario: "kubernetes/pod-kill-pipeline", test: "t", state: "skipped", reason: "needs CHAOS_ENV=kubernetes" };
const verdictFailed: ScenarioOutcome = {
  scenario: "postgres-frozen",
  test: "t",
  state: "failed",
  journalStatus: "completed",
  reason: "recovery took 9,000 ms, over the 8,000 ms budget",
};
const pipelineFailed: ScenarioOutcome = {
  scenario: "postgres-frozen",
  test: "t",
  state: "failed",
  journalStatus: "failed",
  reason: "the pipeline exited with code 1",
};
const aborted: ScenarioOutcome = {
  scenario: "cpu-starvation",
  test: "t",
  state: "failed",
  journalStatus: "aborted",
  reason: "safety: the time limit of 120000 ms was reached",
};
const noJournal: ScenarioOutcome = { scenario: "postgres-frozen", test: "t", state: "failed", reason: "cannot listen on the TCP port" };

describe("runVerdict", () => {
  it("passes only when a scenario ran and none failed", () => {
    expect(runVerdict([passed, skipped])).toBe("passed");
  });

  it("says nothing ran when every scenario was skipped, or none was selected", () => {
    expect(runVerdict([skipped, skipped])).toBe("nothing-ran");
    expect(runVerdict([])).toBe("nothing-ran");
    expect(RUN_EXIT_CODES["nothing-ran"]).not.toBe(0);
  });

  it("tells a failed verdict, a safety abort and a failure to start apart, and reports the worst", () => {
    expect(failureKind(verdictFailed)).toBe("scenario-failed");
    expect(failureKind(pipelineFailed)).toBe("scenario-failed");
    expect(failureKind(aborted)).toBe("aborted-by-safety");
    expect(failureKind(noJournal)).toBe("failed-to-start");
    expect(failureKind(passed)).toBeUndefined();
    expect(runVerdict([passed, verdictFailed])).toBe("scenario-failed");
    expect(runVerdict([verdictFailed, aborted])).toBe("aborted-by-safety");
    expect(runVerdict([aborted, noJournal, verdictFailed])).toBe("failed-to-start");
    expect(runVerdict([passed], 1)).toBe("failed-to-start");
  });

  it("makes a guard that refused to start the environment a safety refusal (exit 3), not a failure to start", () => {
    const refused: ScenarioOutcome = {
      scenario: "s3-throttling",
      test: "t",
      state: "failed",
      reason: new TargetNotAllowedError("external (postgres db:5432, s3 minio:9000)", undefined).message,
    };
    expect(failureKind(refused)).toBe("aborted-by-safety");
    expect(runSummary("external", [refused], [])).toMatchObject({ verdict: "aborted-by-safety", exitCode: 3 });
    expect(runVerdict([refused, noJournal])).toBe("failed-to-start");
    expect(failureKind({ ...noJournal, reason: `the environment failed: ${refused.reason}` })).toBe("failed-to-start");
  });

  it("gives each verdict its own exit code", () => {
    const codes = Object.values(RUN_EXIT_CODES);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).not.toContain(2);
  });

  it("summarises counts, the verdict and each scenario's failure kind", () => {
    const summary = runSummary("embedded", [passed, aborted, skipped], []);
    expect(summary).toMatchObject({ verdict: "aborted-by-safety", exitCode: 3, environment: "embedded", counts: { passed: 1, failed: 1, skipped: 1 } });
    expect(summary.scenarios[1]).toMatchObject({ scenario: "cpu-starvation", failure: "aborted-by-safety", reason: aborted.reason });
    expect(summary.scenarios[0]).not.toHaveProperty("failure");
  });
});

describe("scenarioOutcomes", () => {
  it("reads state, the journal status annotated by the fixture, the first error line and skip notes from Vitest's task tree", () => {
    const files: TaskLike[] = [
      {
        type: "suite",
        name: "scenarios/postgres-frozen.test.ts",
        filepath: "/repo/scenarios/postgres-frozen.test.ts",
        tasks: [
          {
            type: "test",
            name: "freezes Postgres",
            annotations: [
              { type: "status", message: "failed" },
              { type: "journal", message: "reports/journals/postgres-frozen.json" },
            ],
            result: { state: "fail", errors: [{ message: "expected the experiment to complete, but it failed: the pipeline exited with code 1\nstack" }] },
          },
        ],
      },
      {
        type: "suite",
        name: "scenarios/kubernetes/pod-kill-pipeline.test.ts",
        filepath: "/repo/scenarios/kubernetes/pod-kill-pipeline.test.ts",
        tasks: [
          { type: "test", name: "kills the pipeline pod", mode: "skip", result: { state: "skip", note: "needs CHAOS_ENV=kubernetes" } },
          { type: "test", name: "kills it (needs a cluster)", mode: "skip" },
        ],
      },
      {
        type: "suite",
        name: "x",
        filepath: "/repo/scenarios/cpu-starvation.test.ts",
        tasks: [{ type: "test", name: "env broke", result: { state: "fail", errors: [{ message: "cannot listen on the TCP port" }] } }],
      },
    ];
    expect(scenarioOutcomes(files)).toEqual([
      {
        scenario: "postgres-frozen",
        test: "freezes Postgres",
        state: "failed",
        journalStatus: "failed",
        reason: "expected the experiment to complete, but it failed: the pipeline exited with code 1",
        journal: "reports/journals/postgres-frozen.json",
      },
      { scenario: "kubernetes/pod-kill-pipeline", test: "kills the pipeline pod", state: "skipped", reason: "needs CHAOS_ENV=kubernetes" },
      {
        scenario: "kubernetes/pod-kill-pipeline",
        test: "kills it (needs a cluster)",
        state: "skipped",
        reason: "skipped when collected: kills it (needs a cluster)",
      },
      { scenario: "cpu-starvation", test: "env broke", state: "failed", reason: "cannot listen on the TCP port" },
    ]);
    expect(runVerdict(scenarioOutcomes(files))).toBe("failed-to-start");
  });
});
