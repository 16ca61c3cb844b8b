import { describe, expect, it, vi } from "vitest";
import "./chaos-test.ts";
import { fault } from "./fault-action.ts";
import { rerunOf } from "./journal-queries.ts";
import { runExperiment } from "./run-experiment.ts";
import type { SystemUnderTest } from "../core/index.ts";
import { renderHtmlReport, validateJournal } from "../report/index.ts";
import { scaleSystem } from "../systems/index.ts";
import { FakeEnvironment } from "../testing/index.ts";
import { fakeDefinition } from "./testing/fake-experiment.ts";

// The integrity check reads what the fake pipeline "wrote" instead of Postgres tables.
vi.mock("../integrity/index.ts", async () => {
  const { snapshotOfFakeDatabase } = await import("../testing/index.ts");
  return { snapshotTables: snapshotOfFakeDatabase };
});

const outage = fault("S3 down", ({ faults }) => faults.toxic("s3", { type: "timeout", stream: "downstream", attributes: { timeout: 0 } }));
const FAILED = "pipeline failed: OperationFailedError: download songs/07.mid failed after 4 attempts: ServiceUnavailable";
const failsThenRecovers = {
  experiment: { objectsPerSecond: 40, exit: { code: 1, afterMs: 250, outputTail: `progress 9/20\n${FAILED}\n` }, rerun: { objectsPerSecond: 40 } },
};

describe("runExperiment with the operator's rerun", () => {
  it("records the first run's failure, removes the fault it outlasted, runs the pipeline again into the same database and checks integrity after the rerun", async () => {
    const env = new FakeEnvironment({ pipelines: failsThenRecovers });
    const journal = await runExperiment(env, fakeDefinition({ rerun: "after-faults-removed", method: [outage.after(50).for(2_500)] }));

    expect({ status: journal.status, reason: journal.reason }).toEqual({ status: "completed", reason: undefined });
    const { firstRun, rerun, quarantinedAfterFirstRun } = rerunOf(journal);
    expect(firstRun).toMatchObject({ exitCode: 1, signal: null, outputTail: `progress 9/20\n${FAILED}` });
    expect(rerun).toMatchObject({ exitCode: 0, signal: null });
    expect(rerun!.startedAt).toBeGreaterThanOrEqual(firstRun.endedAt);
    expect(quarantinedAfterFirstRun).toEqual([]);
    const record = journal.faults[0]!;
    // Removed when the first run ended, not after its planned 2.5 s.
    expect(record.removedAt).toBeGreaterThanOrEqual(firstRun.endedAt);
    expect(record.removedAt!).toBeLessThanOrEqual(rerun!.startedAt);
    expect(env.undone).toEqual(["toxic s3"]);
    expect(env.launched.map((process) => process.endedBy)).toEqual(["itself", "itself", "itself"]);
    expect(journal.figures.pipelineProcesses).toBe(2);
    expect(journal.integrity?.ok).toBe(true);
    expect(journal).toHaveFailedLoudlyThenRecoveredOnRerun(/failed after 4 attempts: ServiceUnavailable/);
    expect(journal).toHaveRecoveredOnRerun();
  });

  it("fails the experiment, naming the rerun's exit, when the rerun fails too", async () => {
    const env = new FakeEnvironment({ pipelines: { experiment: { ...failsThenRecovers.experiment, rerun: failsThenRecovers.experiment } } });
    const journal = await runExperiment(env, fakeDefinition({ rerun: "after-faults-removed", method: [outage.after(50).for(2_500)] }));

    expect(journal.status).toBe("failed");
    expect(journal.reason).toContain(`the pipeline exited with code 1:\nprogress 9/20\n${FAILED}`);
    expect(rerunOf(journal).rerun).toMatchObject({ exitCode: 1 });
    expect(journal.integrity).toBeNull();
    expect(() => expect(journal).toHaveFailedLoudlyThenRecoveredOnRerun(/ServiceUnavailable/)).toThrow(
      /the first run failed loudly, but the rerun exited with code 1/,
    );
  });

  it("does not accept a first run that succeeded as a loud failure, nor an error text that does not match", async () => {
    const env = new FakeEnvironment({ pipelines: { experiment: { objectsPerSecond: 100 } } });
    const journal = await runExperiment(env, fakeDefinition({ rerun: "after-faults-removed", method: [outage.after(20).for(100)] }));

    expect(journal.status).toBe("completed");
    expect(rerunOf(journal).firstRun.exitCode).toBe(0);
    expect(journal).toHaveRecoveredOnRerun();
    expect(() => expect(journal).toHaveFailedLoudlyThenRecoveredOnRerun(/ServiceUnavailable/)).toThrow(/expected the first run to exit non-zero/);
  });

  it("asks the system what it quarantined: one without a quarantine is recorded as such, in the journal's schema and the report", async () => {
    let asked = 0;
    const withoutQuarantine: SystemUnderTest = {
      ...scaleSystem,
      name: "no-quarantine",
      attach: async (env) => ({
        ...(await scaleSystem.attach(env)),
        quarantined: async () => {
          asked++;
          return null;
        },
      }),
    };
    const env = new FakeEnvironment({ pipelines: failsThenRecovers });
    const journal = await runExperiment(
      env,
      fakeDefinition({ system: withoutQuarantine, rerun: "after-faults-removed", method: [outage.after(50).for(2_500)] }),
    );

    expect(journal.status).toBe("completed");
    expect(asked).toBe(1);
    expect(rerunOf(journal).quarantinedAfterFirstRun).toBeNull();
    const reread = validateJournal(JSON.parse(JSON.stringify(journal)), "no-quarantine.json");
    const page = renderHtmlReport({ schemaVersion: 1, generatedAt: journal.startedAt, journals: [reread] });
    expect(page).toContain("<dt>quarantined before the rerun</dt><dd>the system has no quarantine</dd>");
  });

  it("keeps a single run's failure a failed experiment when no rerun is declared", async () => {
    const env = new FakeEnvironment({ pipelines: failsThenRecovers });
    const journal = await runExperiment(env, fakeDefinition({ method: [outage.after(50).for(100)] }));

    expect(journal.status).toBe("failed");
    expect(journal.rerun).toBeUndefined();
    expect(() => rerunOf(journal)).toThrow(/has no rerun/);
    expect(env.launched).toHaveLength(2);
  });
});
