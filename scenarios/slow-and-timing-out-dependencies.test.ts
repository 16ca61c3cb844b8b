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

chaosTest(
  "Software failure: S3 answers slower than the client's timeout and Postgres connections hang then drop; requests time out, retry and the run completes intact",
  async ({ experiment }) => {
    const journal = await experiment({
      id: "slow-and-timing-out-dependencies",
      title: "S3 latency 3 s > 1.5 s client timeout (30% of requests) and a Postgres timeout toxic, for 6 s",
      cause: "software-failure",
      corpus: syntheticSongs(1000),
      hypothesis: pipelineSteadyState(),
      method: [
        fault("S3 slower than the client timeout", ({ faults }) => faults.s3({ type: "latency", latencyMs: 3_000, probability: 0.3 }))
          .when(afterProgress(0.2))
          .for(6_000),
        fault("Postgres connections hang, then close", ({ faults }) =>
          faults.toxic("postgres", { type: "timeout", stream: "downstream", attributes: { timeout: 1_000 } }),
        )
          .when(afterProgress(0.2))
          .for(6_000),
      ],
      pipeline: { writeBatchFiles: 20, requestTimeoutMs: 1_500, queryTimeoutMs: 5_000 },
      budget: { recoveryMs: 8_000 },
    });

    const slowS3 = faultNamed(journal, "S3 slower than the client timeout", "s3/latency");
    expect(slowS3.observations.requestsFaulted).toBeGreaterThan(5);
    const hang = faultNamed(journal, "Postgres connections hang, then close");
    const pings = samplesWhileActive(journal, hang, LATENCY_PROBE.postgres);
    expect(pings.filter((ping) => !ping.ok).length).toBeGreaterThan(pings.length / 2);
    expect(journal.figures.retries).toBeGreaterThan(5);

    expect(journal).toHaveCompleted();
    expect(journal).toMatchTheGoldenOutput();
    expect(journal).toRecoverWithinBudget();
  },
);
