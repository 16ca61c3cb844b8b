import { createHash } from "node:crypto";
import { similarPairBatches, type SongTokens } from "../similarity/index.ts";
import { withRetry } from "../retry.ts";
import { writePairBatch } from "../store/pair-writer.ts";
import { claimSimilarityProgress, completeSimilarityProgress, type SimilarityCheckpoint } from "../store/similarity-progress.ts";
import { loadSongTokens } from "../store/song-loader.ts";
import { inTransaction } from "../store/transaction.ts";
import { withPooledClient } from "../store/pooled-client.ts";
import { retryHooksFor, type RunContext } from "./run-context.ts";

export interface SimilaritySummary {
  /** The part of the pairs this process wrote: those whose first song shard `index` of `count` owns. */
  shard: { index: number; count: number };
  songs: number;
  pairsWritten: number;
  /** Batches already committed by an interrupted earlier run and not written again. */
  resumedAfterBatch: number;
  /** The same songs and options were already fully compared: nothing was written. */
  upToDate: boolean;
}

/**
 * Compares every song written so far and streams the qualifying pairs into
 * the pair table in checkpointed batches; a shard (config.shard) writes only
 * the pairs whose first song it owns. The checkpoint is the shard's own, tied
 * to a fingerprint of the input and the shard, so a resumed run continues
 * exactly where the last commit left off, and a changed input or shard count
 * starts over (see claimSimilarityProgress).
 */
export async function runSimilarity(context: RunContext): Promise<SimilaritySummary> {
  const { config, metrics } = context;
  const songs = await metrics.timeStage("load-songs", () =>
    withRetry(
      "load songs",
      config.retry,
      () => withPooledClient(context.pool, (client) => loadSongTokens(client, config.tokenMode)),
      retryHooksFor(context, "load-songs"),
    ),
  );
  const { shard } = config;
  const checkpoint = checkpointFor(inputFingerprint(songs, context), shard);
  const { fingerprint } = checkpoint;
  const progress = await inTransaction(
    context.pool,
    "claim similarity progress",
    config.retry,
    (client) => claimSimilarityProgress(client, checkpoint),
    retryHooksFor(context, "write-pairs"),
  );
  if (progress.completed) return { shard, songs: songs.length, pairsWritten: 0, resumedAfterBatch: progress.lastSeq, upToDate: true };

  let pairsWritten = 0;
  const batches = similarPairBatches(songs, config.similarity, progress.lastSeq, shard);
  for (;;) {
    // Each batch's search for similar pairs: its own label, so "similarity" stays one observation per stage run.
    const next = metrics.stageDuration.startTimer({ stage: "search-pairs" });
    const { value: batch, done } = batches.next();
    next();
    if (done) break;
    const rows = await metrics.timeStage("write-pairs", () =>
      inTransaction(
        context.pool,
        `write pair batch ${batch.seq}`,
        config.retry,
        (client) => writePairBatch(client, fingerprint, batch),
        retryHooksFor(context, "write-pairs"),
      ),
    );
    metrics.markWrite();
    metrics.rowsWritten.inc({ table: "filepair_similarity_score" }, rows);
    pairsWritten += rows;
    context.emit({ type: "batch-written", step: "write-pairs", files: 0, rows });
  }
  await inTransaction(
    context.pool,
    "complete similarity",
    config.retry,
    (client) => completeSimilarityProgress(client, fingerprint),
    retryHooksFor(context, "write-pairs"),
  );
  return { shard, songs: songs.length, pairsWritten, resumedAfterBatch: progress.lastSeq, upToDate: false };
}

/** Identifies the exact input of the similarity step: the songs' tokens and every option that shapes the output. */
function inputFingerprint(songs: readonly SongTokens[], context: RunContext): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ tokenMode: context.config.tokenMode, similarity: context.config.similarity }));
  for (const song of songs) hash.update(`${song.filename}\u0000${song.tokens.join(",")}\u0001`);
  return hash.digest("hex");
}

/** The shard's checkpoint: its fingerprint adds the shard to the input's, so no two shards or layouts share one. */
function checkpointFor(inputFingerprint: string, shard: { index: number; count: number }): SimilarityCheckpoint {
  const fingerprint = createHash("sha256").update(`${inputFingerprint}\u0000shard ${shard.index} of ${shard.count}`).digest("hex");
  return { inputFingerprint, fingerprint, shardIndex: shard.index, shardCount: shard.count };
}
