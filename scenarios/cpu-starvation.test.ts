import { availableParallelism } from "node:os";
import { expect } from "vitest";
import { afterProgress, chaosTest, fault, faultNamed, pipelineSteadyState, syntheticSongs } from "../src/chaos/experiment/index.ts";

chaosTest(
  "System overload: busy neighbours take every CPU core for 8 s; the pipeline slows down but keeps going and recovers its pace",
  async ({ experiment }) => {
    const workers = availableParallelism();
    const journal = await experiment({
      id: "cpu-starvation",
      title: `CPU starvation: ${workers} busy processes for 8 s`,
      cause: "overload",
      corpus: syntheticSongs(1000),
      hypothesis: pipelineSteadyState({ throughputAtLeast: 0.1, dependenciesAnswerWithinMs: 1_000 }),
      method: [
        fault("busy CPU neighbours", ({ faults }) => faults.cpuPressure({ workers }))
          .when(afterProgress(0.2))
          .for(8_000),
      ],
      pipeline: { writeBatchFiles: 20 },
      budget: { recoveryMs: 5_000 },
    });

    const pressure = faultNamed(journal, "busy CPU neighbours", "cpu-pressure");
    expect(pressure.observations.pids).toHaveLength(workers);
    // The neighbours really burnt CPU: at least a quarter of a core each, for the time they ran.
    expect(pressure.observations.cpuTimeMs).toBeGreaterThan(0.25 * workers * (pressure.observations.ranMs ?? Infinity));

    expect(journal).toHaveCompleted();
    expect(journal).toMatchTheGoldenOutput();
    expect(journal).toRecoverWithinBudget();
  },
);
