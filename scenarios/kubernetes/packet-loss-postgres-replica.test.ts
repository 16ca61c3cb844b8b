import { expect } from "vitest";
import { afterProgress, fault, faultNamed, pipelineSteadyState, syntheticSongs, clusterTest } from "../../src/chaos/experiment/index.ts";
import { kubernetesFaults } from "../../src/chaos/kubernetes/index.ts";

clusterTest(
  "Equipment failure: 90 % of the packets between the pipeline and a Postgres read replica are lost for 60 s; the pipeline, which writes to the primary, does not notice",
  async ({ experiment }) => {
    const journal = await experiment({
      id: "kubernetes-packet-loss-postgres-replica",
      title: "NetworkChaos loss of 90 % between the pipeline's pods and one Postgres read replica for 60 s",
      cause: "equipment-failure",
      // Sized so the run outlasts the 60 s fault (~200 objects/s).
      corpus: syntheticSongs(16000),
      hypothesis: pipelineSteadyState(),
      method: [
        fault("90% packet loss to a Postgres replica", ({ faults }) => kubernetesFaults(faults).packetLoss("postgres-replica", { percent: 90, pods: "one" }))
          .when(afterProgress(0.1))
          .for(60_000),
      ],
      pipeline: { writeBatchFiles: 20 },
      budget: { recoveryMs: 5_000 },
      timeLimitMs: 600_000,
    });

    const loss = faultNamed(journal, "90% packet loss to a Postgres replica");
    expect(loss.observations.object).toMatch(/^NetworkChaos /);
    expect(loss.observations.selectedPods).toHaveLength(1); // one replica, as Chaos Mesh picked it
    expect(loss.observations.conditions).toContainEqual(expect.objectContaining({ type: "AllInjected", status: true }));
    expect(loss.observations.appliedAt).toEqual(expect.any(String));
    // The pipeline only talks to the primary: its steady state must not even waver.
    expect(journal.steadyStateDeviated).toBe(false);

    expect(journal).toHaveCompleted();
    expect(journal).toMatchTheGoldenOutput();
    expect(journal).toRecoverWithinBudget();
  },
);
