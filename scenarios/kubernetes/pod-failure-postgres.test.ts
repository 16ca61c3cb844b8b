import { expect } from "vitest";
import {
  afterProgress,
  fault,
  faultNamed,
  pipelineSteadyState,
  samplesWhileActive,
  syntheticSongs,
  clusterTest,
  LATENCY_PROBE,
} from "../../src/chaos/experiment/index.ts";

clusterTest(
  "Equipment failure: Postgres's pods fail for 30 s (Chaos Mesh pod-failure); the pipeline waits and retries, then finishes intact",
  async ({ experiment }) => {
    const journal = await experiment({
      id: "kubernetes-pod-failure-postgres",
      title: "PodChaos pod-failure of Postgres for 30 s",
      cause: "equipment-failure",
      // Sized so the run outlasts the 30 s fault (~200 objects/s when healthy).
      corpus: syntheticSongs(8000),
      hypothesis: pipelineSteadyState(),
      method: [
        fault("pod-failure of Postgres", ({ faults }) => faults.stop("postgres"))
          .when(afterProgress(0.2))
          .for(30_000),
      ],
      pipeline: { writeBatchFiles: 20 },
      // Removal waits for the pods to be Ready; then Postgres replays its WAL and the pipeline's backoff has to come round.
      budget: { recoveryMs: 30_000 },
      timeLimitMs: 600_000,
    });

    const failure = faultNamed(journal, "pod-failure of Postgres");
    expect(failure.observations.object).toMatch(/^PodChaos /);
    expect(failure.observations.selectedPods).not.toHaveLength(0); // the pods Chaos Mesh selected
    expect(failure.observations.conditions).toContainEqual(expect.objectContaining({ type: "AllInjected", status: true }));
    expect(failure.observations.appliedAt).toEqual(expect.any(String)); // the controller's own record of applying it
    expect(failure.observations.readyPods).not.toHaveLength(0); // and the pods were Ready again before removal ended
    const pings = samplesWhileActive(journal, failure, LATENCY_PROBE.postgres);
    expect(pings.filter((ping) => !ping.ok).length).toBeGreaterThan(pings.length / 2);

    expect(journal).toHaveCompleted();
    expect(journal).toMatchTheGoldenOutput();
    expect(journal).toRecoverWithinBudget();
  },
);
