import { describe, expect, it, vi } from "vitest";
import { fault } from "./fault-action.ts";
import { THROUGHPUT_PROBE, throughput } from "./probe.ts";
import { runExperiment } from "./run-experiment.ts";
import { FakeEnvironment } from "../testing/index.ts";
import { fakeDefinition } from "./testing/fake-experiment.ts";
import { afterProgress } from "./trigger.ts";

// The integrity check reads what the fake pipeline "wrote" instead of Postgres tables.
vi.mock("../integrity/index.ts", async () => {
  const { snapshotOfFakeDatabase } = await import("../testing/index.ts");
  return { snapshotTables: snapshotOfFakeDatabase };
});

const slowPostgres = fault("slow Postgres", ({ faults }) => faults.toxic("postgres", { type: "latency", stream: "downstream", attributes: { latency: 500 } }));

describe("runExperiment on a fake environment, to completion", () => {
  it("completes with the fault injected and removed, recovery measured and the output identical to the baseline's", async () => {
    const env = new FakeEnvironment({ pipelines: { golden: { objectsPerSecond: 50 }, experiment: { objectsPerSecond: 25 } } });
    const journal = await runExperiment(env, fakeDefinition({ method: [slowPostgres.after(100).for(200)] }));

    expect(journal.status).toBe("completed");
    expect(journal.reason).toBeUndefined();
    expect(journal.integrity).toMatchObject({
      ok: true,
      summary: "identical to the golden run: 20 instrument rows, 0 pairs, 0 quarantined; all 20 objects accounted for",
    });
    const record = journal.faults[0]!;
    expect(record).toMatchObject({ name: "slow Postgres", kind: "fake/toxic", target: "postgres", cause: "equipment-failure" });
    expect(record.removedAt! - record.injectedAt!).toBeGreaterThanOrEqual(195);
    expect(record.recoveredAt).toBeGreaterThanOrEqual(record.removedAt!);
    expect(journal.figures.recoveryMs).toBe(record.recoveredAt! - record.removedAt!);
    expect(journal.figures.pipelineProcesses).toBe(1);
    expect(journal.figures.pipelineDurationMs).toBeGreaterThanOrEqual(790);
    expect(journal.figures.pipelineDurationMs).toBeLessThan(1_500);
    expect(journal.figures.baselineThroughput).toBeGreaterThan(0);
    expect(journal.steadyStateBefore).toBe(true);
    expect(journal.steadyStateAfter).toBe(true);
    expect(journal.samples.some((sample) => sample.phase === "during" && sample.probe === THROUGHPUT_PROBE)).toBe(true);
    expect(journal.rollbacks.map(({ name, ok }) => `${name}: ${ok}`)).toEqual(["remove any other fault: true", "stop the pipeline: true"]);
    expect(env.undone).toEqual(["toxic postgres"]);
  });

  it("restarts a killed pipeline on removal, which resumes where it stopped", async () => {
    const env = new FakeEnvironment({ pipelines: { golden: { objectsPerSecond: 100 }, experiment: { objectsPerSecond: 40 } } });
    const kill = fault("kill -9 the pipeline", ({ pipeline }) => pipeline.kill())
      .when(afterProgress(0.3))
      .for(150);
    const journal = await runExperiment(env, fakeDefinition({ method: [kill] }));

    expect(journal.status).toBe("completed");
    expect(journal.integrity?.ok).toBe(true);
    expect(journal.figures.pipelineProcesses).toBe(2);
    const record = journal.faults[0]!;
    expect(record.observations).toMatchObject({ signal: "SIGKILL", exit: "SIGKILL", killed: "fake 2", restartedAs: "fake 3" });
    expect(record.observations.objectsDoneAtKill).toBeGreaterThanOrEqual(6);
    expect(env.launched.map((process) => process.endedBy)).toEqual(["itself", "kill", "itself"]);
  });

  it("completes but reports lost rows when the experiment's run lost an object", async () => {
    const env = new FakeEnvironment({ pipelines: { experiment: { loses: ["songs/03.mid"] } } });
    const journal = await runExperiment(env, fakeDefinition());

    expect(journal.status).toBe("completed");
    expect(journal.integrity?.ok).toBe(false);
    expect(journal.integrity?.summary).toBe("1 row lost, 1 input object unaccounted for (e.g. instrument songs/03.mid#0)");
    expect(journal.integrity?.unaccounted).toEqual([expect.stringMatching(/\/songs\/03\.mid$/)]);
  });

  it("completes when the last fault is removed after the pipeline finished and only pipeline probes are in the hypothesis", async () => {
    const env = new FakeEnvironment();
    const journal = await runExperiment(
      env,
      fakeDefinition({ hypothesis: [throughput({ atLeast: 0.3, windowMs: 200 })], timeLimitMs: 2_000, method: [slowPostgres.for(500)] }),
    );

    expect(journal.faults[0]!.removedAt).not.toBeNull();
    expect({ status: journal.status, reason: journal.reason }).toEqual({ status: "completed", reason: undefined });
  });
});
