import { expect } from "vitest";
import { afterProgress, fault, faultNamed, pipelineSteadyState, syntheticSongs, clusterTest } from "../../src/chaos/experiment/index.ts";

clusterTest(
  "Equipment failure: the pipeline's pod is deleted at once mid-run and a new pod started; it resumes without redoing or losing work",
  async ({ experiment }) => {
    const journal = await experiment({
      id: "kubernetes-pod-kill-pipeline",
      title: "pod-kill (grace period 0) of the pipeline's pod at 40 %, a new pod 1 s later",
      cause: "equipment-failure",
      corpus: syntheticSongs(2000),
      hypothesis: pipelineSteadyState(),
      // The pipeline's Job has backoffLimit 0: the experiment, not the Job controller, starts the new pod.
      method: [
        fault("pod-kill the pipeline", ({ pipeline }) => pipeline.kill())
          .when(afterProgress(0.4))
          .for(1_000),
      ],
      pipeline: { writeBatchFiles: 20 },
      // A new pod is scheduled, started and warmed up before the pace can hold again.
      budget: { recoveryMs: 30_000 },
      timeLimitMs: 600_000,
    });

    const kill = faultNamed(journal, "pod-kill the pipeline");
    expect(kill.observations.killed).toMatch(/^pod /);
    expect(kill.observations.exit).toBe("SIGKILL");
    expect(kill.observations.objectsDoneAtKill).toBeGreaterThanOrEqual(800);
    expect(kill.observations.objectsDoneAtKill).toBeLessThan(2000);
    expect(kill.observations.restartedAs).toMatch(/^pod /);
    expect(kill.observations.restartedAs).not.toBe(kill.observations.killed);
    expect(journal.figures.pipelineProcesses).toBe(2);

    expect(journal).toHaveCompleted();
    expect(journal).toMatchTheGoldenOutput();
    expect(journal).toRecoverWithinBudget();
  },
);
