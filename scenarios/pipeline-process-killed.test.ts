import { expect } from "vitest";
import { afterProgress, chaosTest, fault, faultNamed, pipelineSteadyState, syntheticSongs } from "../src/chaos/experiment/index.ts";

chaosTest(
  "Equipment failure: the pipeline process itself is killed with kill -9 mid-run and started again; it resumes without redoing or losing work",
  async ({ experiment }) => {
    const journal = await experiment({
      id: "pipeline-process-killed",
      title: "kill -9 of the pipeline mid-run, restarted after 1 s",
      cause: "equipment-failure",
      corpus: syntheticSongs(1000),
      hypothesis: pipelineSteadyState(),
      method: [
        fault("kill -9 the pipeline", ({ pipeline }) => pipeline.kill())
          .when(afterProgress(0.4))
          .for(1_000),
      ],
      pipeline: { writeBatchFiles: 20 },
      budget: { recoveryMs: 8_000 },
    });

    const kill = faultNamed(journal, "kill -9 the pipeline");
    expect(kill.observations.exit).toBe("SIGKILL");
    expect(kill.observations.objectsDoneAtKill).toBeGreaterThanOrEqual(400);
    expect(kill.observations.objectsDoneAtKill).toBeLessThan(1000);
    expect(kill.observations.restartedAs).not.toBe(kill.observations.killed);
    expect(journal.figures.pipelineProcesses).toBe(2);

    expect(journal).toHaveCompleted();
    expect(journal).toMatchTheGoldenOutput();
    expect(journal).toRecoverWithinBudget();
  },
);
