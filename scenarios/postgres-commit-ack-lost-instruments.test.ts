import { expect } from "vitest";
import { afterProgress, chaosTest, fault, faultNamed, pipelineSteadyState, syntheticSongs } from "../src/chaos/experiment/index.ts";

/** The write of an instrument batch, CSV or binary COPY alike. */
const INSTRUMENT_BATCH = /^COPY filename_instrument\b/i;

chaosTest(
  "Equipment failure: Postgres commits an instrument batch but its acknowledgement is lost with the connection; the retried batch finds its rows and writes none twice",
  async ({ experiment }) => {
    const journal = await experiment({
      id: "postgres-commit-ack-lost-instruments",
      title: "Lost COMMIT acknowledgement of an instrument batch",
      cause: "equipment-failure",
      corpus: syntheticSongs(1000),
      hypothesis: pipelineSteadyState(),
      method: [
        fault("lose the COMMIT acknowledgement of an instrument batch", ({ faults }) =>
          faults.postgres({ type: "commitAckLost", match: { kind: "commit", inTransactionWith: INSTRUMENT_BATCH }, occurrence: { nth: 2 } }),
        )
          .when(afterProgress(0.2))
          .for(4_000),
      ],
      pipeline: { writeBatchFiles: 20 },
      budget: { recoveryMs: 5_000 },
    });

    const lost = faultNamed(journal, "lose the COMMIT acknowledgement of an instrument batch", "postgres/commit-ack-lost");
    expect(lost.observations.statementsFaulted).toBe(1);
    const [dropped] = lost.observations.faulted;
    expect(dropped?.xid).toMatch(/^\d+$/);
    expect(lost.observations.ackDropped).toEqual([{ xid: dropped!.xid, status: "committed", committed: true }]);
    expect(journal.figures.retries).toBeGreaterThan(0);

    expect(journal).toHaveCompleted();
    expect(journal).toMatchTheGoldenOutput();
    expect(journal).toRecoverWithinBudget();
  },
);
