import type pg from "pg";
import { deferPrimaryKeyIfEmpty, PAIR_KEY, restorePrimaryKey } from "./deferred-primary-key.ts";

/** Which checkpoint a similarity run writes under. */
export interface SimilarityCheckpoint {
  /** The songs and options compared, the same for every shard of one run. */
  inputFingerprint: string;
  /** The input fingerprint with this shard's index and count: this shard's own checkpoint. */
  fingerprint: string;
  shardIndex: number;
  shardCount: number;
}

/** Where one shard of the similarity step stands for its fingerprint. */
export interface SimilarityProgress {
  fingerprint: string;
  lastSeq: number;
  pairsWritten: number;
  completed: boolean;
}

/**
 * Locks the progress table and claims this shard's checkpoint (call inside a transaction).
 *
 * The table holds the checkpoints of one layout at a time: one input fingerprint and
 * one shard count. A shard of that layout resumes its own checkpoint, or starts one,
 * and never touches the other shards' pairs or checkpoints. The first shard of another
 * layout (the songs or options changed, or the shard count did; a single process is
 * shard 0 of 1) clears every pair and every checkpoint before it starts: pairs of two
 * inputs or two partitions would mix into a table that equals no single run, and a
 * shard of the old layout still writing stops at its next batch (see
 * {@link lockSimilarityProgress}) instead of adding to the new one.
 */
export async function claimSimilarityProgress(client: pg.ClientBase, checkpoint: SimilarityCheckpoint): Promise<SimilarityProgress> {
  const { fingerprint, inputFingerprint, shardIndex, shardCount } = checkpoint;
  await client.query("LOCK TABLE similarity_progress IN EXCLUSIVE MODE");
  const { rows } = await client.query<{
    shard_index: number;
    shard_count: number;
    input_fingerprint: string;
    fingerprint: string;
    last_seq: number;
    pairs_written: string;
    completed: boolean;
  }>("SELECT shard_index, shard_count, input_fingerprint, fingerprint, last_seq, pairs_written, completed FROM similarity_progress");
  const own = rows.find((row) => row.fingerprint === fingerprint);
  if (own) return { fingerprint, lastSeq: own.last_seq, pairsWritten: Number(own.pairs_written), completed: own.completed };
  const sameLayout = rows.some((row) => row.input_fingerprint === inputFingerprint && row.shard_count === shardCount);
  if (!sameLayout) {
    await client.query("TRUNCATE filepair_similarity_score");
    await client.query("DELETE FROM similarity_progress");
  }
  // The first checkpoint of a layout finds the table empty: its shards load without the key (see completeSimilarityProgress).
  await deferPrimaryKeyIfEmpty(client, PAIR_KEY);
  await client.query(
    `INSERT INTO similarity_progress (shard_index, shard_count, input_fingerprint, fingerprint, last_seq, pairs_written, completed)
     VALUES ($1, $2, $3, $4, 0, 0, false)`,
    [shardIndex, shardCount, inputFingerprint, fingerprint],
  );
  return { fingerprint, lastSeq: 0, pairsWritten: 0, completed: false };
}

/** Locks this shard's progress row for a batch write; throws if another layout has taken the table over meanwhile. */
export async function lockSimilarityProgress(client: pg.ClientBase, fingerprint: string): Promise<{ lastSeq: number }> {
  const { rows } = await client.query<{ last_seq: number }>("SELECT last_seq FROM similarity_progress WHERE fingerprint = $1 FOR UPDATE", [fingerprint]);
  const current = rows[0];
  if (!current) {
    throw new Error("similarity progress was reset by another run (other songs, options or shard count) while this one was writing");
  }
  return { lastSeq: current.last_seq };
}

export async function advanceSimilarityProgress(client: pg.ClientBase, fingerprint: string, seq: number, pairs: number): Promise<void> {
  await client.query("UPDATE similarity_progress SET last_seq = $2, pairs_written = pairs_written + $3, updated_at = now() WHERE fingerprint = $1", [
    fingerprint,
    seq,
    pairs,
  ]);
}

/** Serializes completions of similarity shards (any constant no other lock of this schema uses). */
const COMPLETION_LOCK_KEY = 7_361_002;

/**
 * Marks this shard's checkpoint completed and, once every shard of its layout
 * has completed, builds the pair table's primary key if the layout's first load
 * deferred it. Until then the table stays without its key, so a shard that
 * completes early never puts index maintenance on (or locks out) the shards
 * still writing. An advisory lock orders completions, and only them (a table
 * lock would also wait for, and stall, every other shard's batch in flight): of
 * two shards completing at once, the later one sees the earlier one's completion
 * and builds the key, in the transaction that records its own; the key exists
 * exactly when the last shard's completion commits. A duplicate pair makes the
 * build, and so that completion, fail. Call inside a transaction.
 */
export async function completeSimilarityProgress(client: pg.ClientBase, fingerprint: string): Promise<void> {
  await client.query("SELECT pg_advisory_xact_lock($1)", [COMPLETION_LOCK_KEY]);
  const { rows } = await client.query<{ input_fingerprint: string; shard_count: number }>(
    "UPDATE similarity_progress SET completed = true, updated_at = now() WHERE fingerprint = $1 RETURNING input_fingerprint, shard_count",
    [fingerprint],
  );
  const own = rows[0];
  if (!own) throw new Error("similarity progress was reset by another run (other songs, options or shard count) before this one completed");
  const { rows: layout } = await client.query<{ completed: number }>(
    "SELECT count(*)::int AS completed FROM similarity_progress WHERE input_fingerprint = $1 AND shard_count = $2 AND completed",
    [own.input_fingerprint, own.shard_count],
  );
  if (layout[0]?.completed === own.shard_count) await restorePrimaryKey(client, PAIR_KEY);
}
