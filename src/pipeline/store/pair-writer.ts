import type pg from "pg";
import type { PairBatch } from "../similarity/index.ts";
import { copyRows } from "./copy-rows.ts";
import { advanceSimilarityProgress, lockSimilarityProgress } from "./similarity-progress.ts";

/**
 * Writes one batch of pairs and advances the checkpoint in the caller's
 * transaction. A batch at or below the checkpoint was already committed (a
 * lost acknowledgement, or a resumed run) and is skipped. Returns rows written.
 */
export async function writePairBatch(client: pg.ClientBase, fingerprint: string, batch: PairBatch): Promise<number> {
  const { lastSeq } = await lockSimilarityProgress(client, fingerprint);
  if (batch.seq <= lastSeq) return 0;
  await copyRows(
    client,
    "filepair_similarity_score",
    ["filename_a", "filename_b", "similarity", "distance"],
    batch.pairs.map((pair) => [pair.filenameA, pair.filenameB, pair.similarity, pair.distance]),
  );
  await advanceSimilarityProgress(client, fingerprint, batch.seq, batch.pairs.length);
  return batch.pairs.length;
}
