import { expect } from "vitest";
import { fault, faultNamed, pipelineSteadyState, syntheticSongs, whileStatementRuns, clusterTest } from "../../src/chaos/experiment/index.ts";

clusterTest(
  "Equipment failure: the Postgres primary's pod is killed while the pipeline writes (a COPY in flight); its StatefulSet restarts it and no row is lost or doubled",
  async ({ experiment }) => {
    const journal = await experiment({
      id: "kubernetes-pod-kill-postgres-primary-mid-copy",
      title: "PodChaos pod-kill of the Postgres primary mid-COPY, removed 3 s later",
      cause: "equipment-failure",
      corpus: syntheticSongs(2000),
      hypothesis: pipelineSteadyState(),
      method: [
        fault("pod-kill the Postgres primary", ({ faults }) => faults.kill("postgres"))
          .when(whileStatementRuns(/^COPY/i, "COPY"))
          .for(3_000),
      ],
      pipeline: { writeBatchFiles: 50 },
      // Removal waits for the new primary pod to be Ready; crash recovery and the pipeline's backoff follow.
      budget: { recoveryMs: 30_000 },
      timeLimitMs: 600_000,
    });

    const kill = faultNamed(journal, "pod-kill the Postgres primary");
    expect(kill.observations.statementInFlight).toMatch(/^COPY /i);
    expect(kill.observations.object).toMatch(/^PodChaos /);
    // The primary alone. On Bitnami's replication architecture, CHAOS_POSTGRES_SELECTOR must add
    // app.kubernetes.io/component=primary, or the read replicas are killed with it.
    expect(kill.observations.selectedPods).toHaveLength(1);
    expect(kill.observations.conditions).toContainEqual(expect.objectContaining({ type: "AllInjected", status: true }));
    expect(kill.observations.readyPods).not.toHaveLength(0);
    expect(journal.figures.retries).toBeGreaterThan(0);

    expect(journal).toHaveCompleted();
    expect(journal).toMatchTheGoldenOutput();
    expect(journal).toRecoverWithinBudget();
  },
);
