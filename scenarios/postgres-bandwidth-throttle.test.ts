import { expect } from "vitest";
import {
  afterProgress,
  chaosTest,
  fault,
  faultNamed,
  pipelineSteadyState,
  samplesWhileActive,
  syntheticSongs,
  THROUGHPUT_PROBE,
} from "../src/chaos/experiment/index.ts";

chaosTest("System overload: the link to Postgres is throttled to 32 KB/s for 8 s; writes crawl, then catch up with nothing lost", async ({ experiment }) => {
  const journal = await experiment({
    id: "postgres-bandwidth-throttle",
    title: "Bandwidth between the pipeline and Postgres throttled to 32 KB/s for 8 s",
    cause: "overload",
    corpus: syntheticSongs(1000),
    hypothesis: pipelineSteadyState(),
    method: [
      fault("throttle the link to Postgres", ({ faults }) => faults.toxic("postgres", { type: "bandwidth", stream: "upstream", attributes: { rate: 32 } }))
        .when(afterProgress(0.2))
        .for(8_000),
    ],
    pipeline: { writeBatchFiles: 20 },
    budget: { recoveryMs: 6_000 },
  });

  const throttle = faultNamed(journal, "throttle the link to Postgres");
  // Committing a batch of 20 songs (~12 KB of COPY data plus the ledger) takes about half a second at 32 KB/s:
  // the pipeline's throughput during the fault must show it.
  const rates = samplesWhileActive(journal, throttle, THROUGHPUT_PROBE).map((sample) => sample.value ?? 0);
  expect(Math.min(...rates)).toBeLessThan(0.5 * journal.figures.baselineThroughput);

  expect(journal).toHaveCompleted();
  expect(journal).toMatchTheGoldenOutput();
  expect(journal).toRecoverWithinBudget();
});
