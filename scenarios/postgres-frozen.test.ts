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

chaosTest("Equipment failure: Postgres is frozen (SIGSTOP) for 10 s; connections hang, then the run carries on intact", async ({ experiment }) => {
  const journal = await experiment({
    id: "postgres-frozen",
    title: "Postgres frozen with SIGSTOP for 10 s, then SIGCONT",
    cause: "equipment-failure",
    corpus: syntheticSongs(1000),
    hypothesis: pipelineSteadyState(),
    method: [
      fault("freeze Postgres", ({ faults }) => faults.pause("postgres"))
        .when(afterProgress(0.2))
        .for(10_000),
    ],
    pipeline: { writeBatchFiles: 20 },
    budget: { recoveryMs: 5_000 },
  });

  const freeze = faultNamed(journal, "freeze Postgres");
  expect(freeze.observations.pid).toEqual(expect.any(Number));
  expect(freeze.observations.pausedMs).toBeGreaterThanOrEqual(9_900);
  const pings = samplesWhileActive(journal, freeze, LATENCY_PROBE.postgres);
  expect(pings.filter((ping) => !ping.ok).length).toBeGreaterThanOrEqual(pings.length - 1);
  expect(journal.figures.throughputDuringFault).toBe(0);

  expect(journal).toHaveCompleted();
  expect(journal).toMatchTheGoldenOutput();
  expect(journal).toRecoverWithinBudget();
});
