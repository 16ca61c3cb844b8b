import { expect } from "vitest";
import { chaosTest, fault, faultNamed, pipelineSteadyState, syntheticSongs, whileStatementRuns } from "../src/chaos/experiment/index.ts";

chaosTest(
  "Equipment failure: Postgres is killed with kill -9 in the middle of a COPY and restarted 3 s later; no row is lost or doubled",
  async ({ experiment }) => {
    const journal = await experiment({
      id: "postgres-kill-mid-copy",
      title: "kill -9 of Postgres mid-COPY, restarted after 3 s",
      cause: "equipment-failure",
      corpus: syntheticSongs(1000),
      hypothesis: pipelineSteadyState(),
      method: [
        fault("kill -9 Postgres", ({ faults }) => faults.kill("postgres"))
          .when(whileStatementRuns(/^COPY/i, "COPY"))
          .for(3_000),
      ],
      pipeline: { writeBatchFiles: 50 },
      budget: { recoveryMs: 10_000 },
    });

    const kill = faultNamed(journal, "kill -9 Postgres");
    expect(kill.observations.statementInFlight).toMatch(/^COPY /i);
    expect(kill.observations.signal).toBe("SIGKILL");
    expect(kill.observations.restartedPid).not.toBe(kill.observations.pid);
    expect(journal.figures.retries).toBeGreaterThan(0);

    expect(journal).toHaveCompleted();
    expect(journal).toMatchTheGoldenOutput();
    expect(journal).toRecoverWithinBudget();
  },
);
