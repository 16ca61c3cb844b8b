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
  "Equipment failure: every Postgres connection is reset (TCP RST) during writes for 6 s; transactions retry, nothing is half-written",
  async ({ experiment }) => {
    const journal = await experiment({
      id: "postgres-connection-reset",
      title: "Connections to Postgres reset by peer during writes for 6 s",
      cause: "equipment-failure",
      corpus: syntheticSongs(1000),
      hypothesis: pipelineSteadyState(),
      method: [
        fault("reset Postgres connections", ({ faults }) => faults.toxic("postgres", { type: "reset_peer", stream: "upstream", attributes: { timeout: 50 } }))
          .when(afterProgress(0.2))
          .for(6_000),
      ],
      pipeline: { writeBatchFiles: 20 },
      budget: { recoveryMs: 8_000 },
    });

    const reset = faultNamed(journal, "reset Postgres connections");
    const pings = samplesWhileActive(journal, reset, LATENCY_PROBE.postgres);
    expect(pings.filter((ping) => ping.error !== undefined).length).toBeGreaterThan(pings.length / 2);
    expect(journal.figures.retries).toBeGreaterThan(0);

    expect(journal).toHaveCompleted();
    expect(journal).toMatchTheGoldenOutput();
    expect(journal).toRecoverWithinBudget();
  },
);
