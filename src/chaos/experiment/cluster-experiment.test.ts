/**
 * Cluster scenarios' methods run end to end through runExperiment on the fake
 * API server (testing/fake-cluster-environment.ts): pipelines as Jobs scraped
 * through the pod proxy, faults as Chaos Mesh objects, the real Kubernetes
 * environment and fault library in between. Only the bucket, the databases
 * and the pipeline's work inside its pod are simulated.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { ALLOW_TARGET_VARIABLE } from "./blast-radius.ts";
import { samplesWhileActive } from "./journal-queries.ts";
import { fault } from "./fault-action.ts";
import { runExperiment } from "./run-experiment.ts";
import { fakeDefinition } from "./testing/fake-experiment.ts";
import { afterProgress } from "./trigger.ts";
import { FakeClusterEnvironment } from "../kubernetes/testing/index.ts";

// The integrity check reads what the simulated runs "wrote" instead of Postgres tables.
vi.mock("../integrity/index.ts", async () => {
  const { snapshotOfFakeDatabase } = await import("../testing/index.ts");
  return { snapshotTables: snapshotOfFakeDatabase };
});

const JOBS = "batch/v1/jobs";

afterEach(() => {
  vi.unstubAllEnvs();
});

async function startCluster(): Promise<FakeClusterEnvironment> {
  const env = await FakeClusterEnvironment.start({ pipelines: { golden: { objectsPerSecond: 60 }, experiment: { objectsPerSecond: 25 } } });
  vi.stubEnv(ALLOW_TARGET_VARIABLE, env.target);
  return env;
}

describe("cluster scenarios end to end on the fake cluster", () => {
  it("refuses the cluster unless CHAOS_ALLOW_TARGET names it, and creates nothing", async () => {
    await using env = await FakeClusterEnvironment.start();
    vi.stubEnv(ALLOW_TARGET_VARIABLE, "kubernetes some-other/cluster");
    const journal = await runExperiment(env, fakeDefinition({ method: [fault("pod-failure of Postgres", ({ faults }) => faults.stop("postgres"))] }));

    expect(journal.status).toBe("aborted");
    expect(journal.reason).toContain('CHAOS_ALLOW_TARGET="kubernetes fake-cluster/chaos"');
    expect(env.fake.requests.filter((request) => request.method !== "GET")).toEqual([]);
  });

  it("pod-kill of the pipeline: its pod is deleted mid-run, a new Job's pod resumes, and the output matches the golden run", async () => {
    await using env = await startCluster();
    const journal = await runExperiment(
      env,
      fakeDefinition({
        id: "kubernetes-pod-kill-pipeline",
        method: [
          fault("pod-kill the pipeline", ({ pipeline }) => pipeline.kill())
            .when(afterProgress(0.3))
            .for(150),
        ],
        timeLimitMs: 20_000,
      }),
    );

    expect(journal.reason).toBeUndefined();
    expect(journal.status).toBe("completed");
    const kill = journal.faults[0]!;
    const killedPod = String(kill.observations.killed).replace(/^pod /, "");
    const restartedPod = String(kill.observations.restartedAs).replace(/^pod /, "");
    expect(kill.observations.objectsDoneAtKill).toBeGreaterThanOrEqual(6);
    expect(kill.observations.objectsDoneAtKill).toBeLessThan(20);
    // The pod was deleted at once, and its Job (backoffLimit 0) failed instead of retrying behind the experiment's back.
    expect(env.fake.requestsMatching("DELETE", `/pods/${killedPod}`)[0]?.query).toEqual({ gracePeriodSeconds: "0" });
    expect(kill.observations.exit).toBe("SIGKILL");
    expect(restartedPod).not.toBe(killedPod);
    const killedJob = env.fake.store.list(JOBS).find((job) => killedPod.startsWith(`${job.metadata.name}-`));
    expect(killedJob?.status).toMatchObject({ failed: 1, conditions: [{ type: "Failed", status: "True" }] });
    expect(journal.figures.pipelineProcesses).toBe(2);
    // Three Jobs: the golden run, the killed run and its replacement; the environment's stop deletes them all.
    expect(env.fake.requestsMatching("POST", "/jobs")).toHaveLength(3);
    // The replacement picked up where the killed pod stopped: nothing lost, nothing twice.
    expect(journal.integrity).toMatchObject({ ok: true });
    expect(journal.figures.recoveryMs).not.toBeNull();
    expect(journal.figures.recoveryMs!).toBeLessThanOrEqual(journal.budget.recoveryMs);
    await env.cluster.stop();
    expect(env.fake.store.list(JOBS)).toEqual([]);
    expect(env.fake.store.list("v1/secrets")).toEqual([]);
  });

  it("pod-failure of Postgres: Chaos Mesh selects its pod, Postgres stops answering for the fault's duration, and the steady state comes back", async () => {
    await using env = await startCluster();
    const journal = await runExperiment(
      env,
      fakeDefinition({
        id: "kubernetes-pod-failure-postgres",
        method: [
          fault("pod-failure of Postgres", ({ faults }) => faults.stop("postgres"))
            .when(afterProgress(0.2))
            .for(300),
        ],
        budget: { recoveryMs: 2_000 },
        timeLimitMs: 20_000,
      }),
    );

    expect(journal.reason).toBeUndefined();
    expect(journal.status).toBe("completed");
    const failure = journal.faults[0]!;
    expect(failure.observations.selectedPods).toEqual(["chaos/postgres-0"]);
    expect(failure.observations.conditions).toContainEqual(expect.objectContaining({ type: "AllInjected", status: true }));
    expect(failure.observations.readyPods).toEqual(["postgres-0"]);
    const [created] = env.fake.requestsMatching("POST", "/podchaos").map((request) => request.body as { spec: { action: string } });
    expect(created?.spec.action).toBe("pod-failure");

    // Postgres stopped answering for (nearly) the planned 300 ms once the PodChaos was in effect, and answered
    // before the PodChaos was created and after it was gone. (Between its creation and the AllInjected report the
    // pod may already be down: Chaos Mesh acts before it reports, so that stretch belongs to neither side.)
    const during = samplesWhileActive(journal, failure, "postgres latency");
    const down = during.filter((ping) => !ping.ok);
    expect(down.length).toBeGreaterThan(5);
    // Down from the first sample to the last of the fault's window, to within the sampling's resolution (a loaded machine samples late).
    const widestGap = Math.max(
      ...during.slice(1).map((sample, i) => sample.at - during[i]!.at),
      failure.injectedAt !== null ? during[0]!.at - failure.injectedAt : 0,
      failure.removedAt! - during.at(-1)!.at,
    );
    expect(down[0]).toBe(during[0]);
    // (The window ends when the fault's removal is seen, after the pod is back: its tail may answer.)
    expect(failure.plannedDurationMs).toBe(300);
    expect(down.at(-1)!.at - down[0]!.at).toBeGreaterThanOrEqual(failure.plannedDurationMs! - 2 * widestGap);
    const requestedAt = failure.injectedAt! - Number(failure.observations.injectedAfterMs);
    expect(requestedAt).toBeLessThanOrEqual(failure.injectedAt!);
    const outside = journal.samples.filter((sample) => sample.probe === "postgres latency" && (sample.at < requestedAt || sample.at > failure.removedAt!));
    expect(outside.length).toBeGreaterThan(0);
    expect(outside.filter((ping) => !ping.ok)).toEqual([]);
    expect(journal.steadyStateDeviated).toBe(true);
    expect(journal.steadyStateAfter).toBe(true);
    expect(failure.recoveredAt).not.toBeNull();
    expect(env.fake.store.list("chaos-mesh.org/v1alpha1/podchaos")).toEqual([]);
  });
});
