import { expect } from "vitest";
import { afterProgress, chaosTest, fault, faultNamed, pipelineSteadyState, syntheticSongs } from "../src/chaos/experiment/index.ts";

const test = chaosTest.override({ requirements: { postgresSettings: { max_connections: "40" } } });

test("System overload: every Postgres connection slot is taken for 6 s ('too many clients'); the pipeline backs off and finishes intact", async ({
  experiment,
}) => {
  const journal = await experiment({
    id: "postgres-connection-exhaustion",
    title: "Postgres connection slots exhausted for 6 s",
    cause: "overload",
    corpus: syntheticSongs(1000),
    hypothesis: pipelineSteadyState(),
    method: [
      fault("exhaust Postgres connections", ({ faults }) => faults.exhaustConnections())
        .when(afterProgress(0.2))
        .for(6_000),
    ],
    pipeline: { writeBatchFiles: 20 },
    budget: { recoveryMs: 8_000 },
  });

  const exhaustion = faultNamed(journal, "exhaust Postgres connections", "postgres/connection-exhaustion");
  expect(exhaustion.observations.refusedWith).toMatchObject({ code: "53300" });
  expect(exhaustion.observations.held).toBeGreaterThan(0);

  expect(journal).toHaveCompleted();
  expect(journal).toMatchTheGoldenOutput();
  expect(journal).toRecoverWithinBudget();
});
