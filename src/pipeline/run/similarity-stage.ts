import { createHash } from "node:crypto";
import { similarPairBatches, type SongTokens } from "../similarity/index.ts";
import { withRetry } from "../retry.ts";
import { writePairBatch } from "../store/pair-writer.ts";
import { claimSimilarityProgress, completeSimilarityProgress } from "../store/similarity-progress.ts";
import { loadSongTokens } from "../store/song-loader.ts";
import { inTransaction } from "../store/transaction.ts";
import { retryHooksFor, type RunContext } from "./run-context.ts";

export interface SimilaritySummary {
  songs: number;
  pairsWritten: number;
  /** Batches already committed by an interrupted earlier run and not written again. */
  resumedAfterBatch: number;
  /** The same songs and options were already fully compared: nothing was written. */
  upToDate: boolean;
}

/**
 * Compares every song written so far and streams the qualifying pairs into
 * the pair table in checkpointed batches. The checkpoint is tied to a
 * fingerprint of the input, so a resumed run continues exactly where the
 * last commit left off and a changed input starts over.
 */
export async function runSimilarity(context: RunContext): Promise<SimilaritySummary> {
  const { config, metrics } = context;
  const songs = await metrics.timeStage("load-songs", () =>
    withRetry(
      "load songs",
      config.retry,
      async () => {
        const client = await context.pool.connect();
        try {
          return await loadSongTokens(client, config.tokenMode);
        } finally {
          client.release();
        }
      },
      retryHooksFor(context, "load-songs"),
    ),
  );
  const fingerprint = inputFingerprint(songs, context);
  const progress = await inTransaction(context.pool, "claim similarity progress", config.retry, (client) => claimSimilarityProgress(client, fingerprint), retryHooksFor(context, "write-pairs"));
  if (progress.completed) return { songs: songs.length, pairsWritten: 0, resumedAfterBatch: progress.lastSeq, upToDate: true };

  let pairsWritten = 0;
  const batches = similarPairBatches(songs, config.similarity, progress.lastSeq);
  for (;;) {
    const next = metrics.stageDuration.startTimer({ stage: "similarity" });
    const { value: batch, done } = batches.next();
    next();
    if (done) break;
    const rows = await metrics.timeStage("write-pairs", () =>
      inTransaction(context.pool, `write pair batch ${batch.seq}`, config.retry, (client) => writePairBatch(client, fingerprint, batch), retryHooksFor(context, "write-pairs")),
    );
    metrics.markWrite();
    metrics.rowsWritten.inc({ table: "filepair_similarity_score" }, rows);
    pairsWritten += rows;
    context.emit({ type: "batch-written", step: "write-pairs", files: 0, rows });
  }
  await inTransaction(context.pool, "complete similarity", config.retry, (client) => completeSimilarityProgress(client, fingerprint), retryHooksFor(context, "write-pairs"));
  return { songs: songs.length, pairsWritten, resumedAfterBatch: progress.lastSeq, upToDate: false };
}

/** Identifies the exact input of the similarity step: the songs' tokens and every option that shapes the output. */
function inputFingerprint(songs: readonly SongTokens[], context: RunContext): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ tokenMode: context.config.tokenMode, similarity: context.config.similarity }));
  for (const song of songs) hash.update(`${song.filename}\u0000${song.tokens.join(",")}\u0001`);
  return hash.digest("hex");
}
