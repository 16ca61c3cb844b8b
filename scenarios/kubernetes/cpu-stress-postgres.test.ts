import { expect } from "vitest";
import { afterProgress, fault, faultNamed, pipelineSteadyState, syntheticSongs, clusterTest } from "../../src/chaos/experiment/index.ts";
import { kubernetesFaults } from "../../src/chaos/kubernetes/index.ts";

clusterTest(
  "System overload: stress-ng takes Postgres's CPU for 30 s; the pipeline slows down but keeps going and recovers its pace",
  async ({ experiment }) => {
    const journal = await experiment({
      id: "kubernetes-cpu-stress-postgres",
      title: "StressChaos: 4 busy CPU workers in each Postgres pod for 30 s",
      cause: "overload",
      // Sized so the run outlasts the 30 s fault, slowed down.
      corpus: syntheticSongs(8000),
      hypothesis: pipelineSteadyState({ throughputAtLeast: 0.1, dependenciesAnswerWithinMs: 1_000 }),
      method: [
        fault("CPU stress in Postgres", ({ faults }) => kubernetesFaults(faults).stress("postgres", { cpuWorkers: 4, cpuLoad: 100 }))
          .when(afterProgress(0.2))
          .for(30_000),
      ],
      pipeline: { writeBatchFiles: 20 },
      budget: { recoveryMs: 10_000 },
      timeLimitMs: 600_000,
    });

    const stress = faultNamed(journal, "CPU stress in Postgres");
    expect(stress.observations.object).toMatch(/^StressChaos /);
    expect(stress.observations.selectedPods).not.toHaveLength(0); // the Postgres pods Chaos Mesh put stress-ng into
    expect(stress.observations.conditions).toContainEqual(expect.objectContaining({ type: "AllInjected", status: true }));
    expect(stress.observations.appliedAt).toEqual(expect.any(String));

    expect(journal).toHaveCompleted();
    expect(journal).toMatchTheGoldenOutput();
    expect(journal).toRecoverWithinBudget();
  },
);
