import type pg from "pg";
import type { PairBatch, SimilarPair } from "../similarity/index.ts";
import { BinaryCopyPayload } from "./binary-copy.ts";
import { copyIn } from "./copy-in.ts";
import { advanceSimilarityProgress, lockSimilarityProgress } from "./similarity-progress.ts";

/** The pair table's columns, in the order of {@link pairPayload}'s fields. */
export const PAIR_COLUMNS = "filename_a, filename_b, similarity, distance";

/**
 * Writes one batch of pairs and advances the checkpoint in the caller's
 * transaction. A batch at or below the checkpoint was already committed (a
 * lost acknowledgement, or a resumed run) and is skipped. Returns rows written.
 */
export async function writePairBatch(client: pg.ClientBase, fingerprint: string, batch: PairBatch): Promise<number> {
  const { lastSeq } = await lockSimilarityProgress(client, fingerprint);
  if (batch.seq <= lastSeq) return 0;
  await copyIn(client, `COPY filepair_similarity_score (${PAIR_COLUMNS}) FROM STDIN (FORMAT binary)`, [pairPayload(batch.pairs)]);
  await advanceSimilarityProgress(client, fingerprint, batch.seq, batch.pairs.length);
  return batch.pairs.length;
}

/** The pairs as a binary COPY payload: the floats go as their 8 bytes, exactly, with no decimal text either way. */
export function pairPayload(pairs: readonly SimilarPair[]): Buffer[] {
  const payload = new BinaryCopyPayload();
  for (const pair of pairs) payload.tuple(4).text(pair.filenameA).text(pair.filenameB).float8(pair.similarity, "similarity").float8(pair.distance, "distance");
  return payload.finish();
}
