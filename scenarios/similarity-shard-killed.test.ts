import { expect } from "vitest";
import { afterShardProgress, chaosTest, fault, faultNamed, firstRow, pipelineSteadyState, syntheticSongs } from "../src/chaos/experiment/index.ts";

/** Similar pairs per write transaction: few, so the victim's part takes many commits and the kill lands between its first and its last. */
const PAIR_BATCH_SIZE = 2;
/** The similarity process killed, as an Indexed Job's pod index. */
const VICTIM = { stage: "similarity", shard: 1 } as const;

/** Where the victim stands: the checkpoint its restarted process resumes from (Scale's similarity_progress). */
const CHECKPOINT = "SELECT last_seq AS batches, pairs_written::int AS pairs, completed FROM similarity_progress WHERE shard_index = $1";

chaosTest(
  "Equipment failure: both stages run as two shards each (Kubernetes Indexed Jobs); one similarity shard is killed with kill -9 after its first batch and started again; the tables equal a single process's",
  async ({ experiment }) => {
    const journal = await experiment({
      id: "similarity-shard-killed",
      title: "kill -9 of similarity shard 1 of 2 after its first committed batch, restarted after 1 s",
      cause: "equipment-failure",
      corpus: syntheticSongs(50),
      hypothesis: pipelineSteadyState(),
      method: [
        fault("kill -9 similarity shard 1", ({ pipeline }) => pipeline.kill(VICTIM))
          .when(afterShardProgress(VICTIM, { pairsWritten: PAIR_BATCH_SIZE }))
          // Read while the shard is down: it commits nothing more until it is started again.
          .observing(async ({ database }) => ({ checkpointAtKill: await firstRow(database.url, CHECKPOINT, [VICTIM.shard]) }))
          .for(1_000),
      ],
      pipeline: { shards: 2, writeBatchFiles: 10, pairBatchSize: PAIR_BATCH_SIZE },
      budget: { recoveryMs: 8_000 },
    });

    const kill = faultNamed(journal, "kill -9 similarity shard 1");
    expect(kill.target).toBe("similarity shard 1 of 2");
    expect(kill.observations.exit).toBe("SIGKILL");
    expect(kill.observations.restartedAs).toEqual(expect.any(String));
    expect(kill.observations.restartedAs).not.toBe(kill.observations.killed);
    // Killed between its first committed batch and its last: the restarted process had pairs left to write.
    expect(kill.observations.checkpointAtKill).toMatchObject({ batches: expect.any(Number), pairs: expect.any(Number), completed: false });
    const { batches, pairs } = kill.observations.checkpointAtKill as { batches: number; pairs: number };
    expect(batches).toBeGreaterThanOrEqual(1);
    expect(pairs).toBeGreaterThanOrEqual(PAIR_BATCH_SIZE);
    // Two extraction processes, two similarity processes, and the victim started again.
    expect(journal.figures.pipelineProcesses).toBe(5);

    expect(journal).toHaveCompleted();
    // Against the golden run, which is one process: every pair written once, by one shard or the other.
    expect(journal).toMatchTheGoldenOutput();
    expect(journal).toRecoverWithinBudget();
  },
);
