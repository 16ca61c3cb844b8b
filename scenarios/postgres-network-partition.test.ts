import { expect } from "vitest";
import {
  afterProgress,
  chaosTest,
  fault,
  faultNamed,
  pipelineSteadyState,
  samplesWhileActive,
  syntheticSongs,
  LATENCY_PROBE,
} from "../src/chaos/experiment/index.ts";

chaosTest("Equipment failure: the network to Postgres is cut for 10 s mid-run; the pipeline waits, resumes and loses nothing", async ({ experiment }) => {
  const journal = await experiment({
    id: "postgres-network-partition",
    title: "Network partition between the pipeline and Postgres for 10 s",
    cause: "equipment-failure",
    corpus: syntheticSongs(1000),
    hypothesis: pipelineSteadyState(),
    method: [
      fault("partition Postgres", ({ faults }) => faults.partition("postgres"))
        .when(afterProgress(0.2))
        .for(10_000),
    ],
    pipeline: { writeBatchFiles: 20 },
    budget: { recoveryMs: 8_000 },
  });

  const partition = faultNamed(journal, "partition Postgres");
  expect(partition.observations.enabled).toBe(false);
  const pings = samplesWhileActive(journal, partition, LATENCY_PROBE.postgres);
  expect(pings.length).toBeGreaterThan(10);
  expect(pings.every((ping) => !ping.ok)).toBe(true);
  expect(journal.figures.throughputDuringFault).toBe(0);

  expect(journal).toHaveCompleted();
  expect(journal).toMatchTheGoldenOutput();
  expect(journal).toRecoverWithinBudget();
});
