import { expect } from "vitest";
import { afterProgress, chaosTest, fault, faultNamed, pipelineSteadyState, syntheticSongs } from "../src/chaos/experiment/index.ts";

/** The write of a batch of similar pairs, CSV or binary COPY alike. */
const PAIR_BATCH = /^COPY filepair_similarity_score\b/i;

chaosTest(
  "Equipment failure: Postgres commits a batch of similar pairs but its acknowledgement is lost with the connection; the retry sees the checkpoint and writes no pair twice",
  async ({ experiment }) => {
    const journal = await experiment({
      id: "postgres-commit-ack-lost-pairs",
      title: "Lost COMMIT acknowledgement of a batch of similar pairs",
      cause: "equipment-failure",
      corpus: syntheticSongs(1000),
      hypothesis: pipelineSteadyState(),
      method: [
        fault("lose the COMMIT acknowledgement of a pair batch", ({ faults }) =>
          faults.postgres({ type: "commitAckLost", match: { kind: "commit", inTransactionWith: PAIR_BATCH }, occurrence: { nth: 2 } }),
        )
          .when(afterProgress(1))
          .for(8_000),
      ],
      pipeline: { writeBatchFiles: 20, pairBatchSize: 200 },
      budget: { recoveryMs: 5_000 },
    });

    const lost = faultNamed(journal, "lose the COMMIT acknowledgement of a pair batch", "postgres/commit-ack-lost");
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
