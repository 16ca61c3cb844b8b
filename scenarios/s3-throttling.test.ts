import { expect } from "vitest";
import { afterProgress, chaosTest, fault, faultNamed, pipelineSteadyState, syntheticSongs } from "../src/chaos/experiment/index.ts";

chaosTest(
  "System overload: S3 answers half the requests with 503 SlowDown for 8 s; the pipeline backs off and every song still arrives",
  async ({ experiment }) => {
    const journal = await experiment({
      id: "s3-throttling",
      title: "S3 throttling: 503 SlowDown on 50% of requests for 8 s",
      cause: "overload",
      corpus: syntheticSongs(1000),
      hypothesis: pipelineSteadyState(),
      method: [
        fault("S3 SlowDown", ({ faults }) => faults.s3({ type: "error", status: 503, code: "SlowDown", probability: 0.5 }))
          .when(afterProgress(0.2))
          .for(8_000),
      ],
      pipeline: { writeBatchFiles: 20 },
      budget: { recoveryMs: 6_000 },
    });

    const slowDown = faultNamed(journal, "S3 SlowDown", "s3/error");
    expect(slowDown.observations.requestsFaulted).toBeGreaterThan(20);
    expect(journal.figures.retries).toBeGreaterThan(20);

    expect(journal).toHaveCompleted();
    expect(journal).toMatchTheGoldenOutput();
    expect(journal).toRecoverWithinBudget();
  },
);
