import type pg from "pg";
import { deferPrimaryKeyIfEmpty, PAIR_KEY, restorePrimaryKey } from "./deferred-primary-key.ts";

/** Where the similarity step stands for one input (its fingerprint). */
export interface SimilarityProgress {
  fingerprint: string;
  lastSeq: number;
  pairsWritten: number;
  completed: boolean;
}

/**
 * Locks and reads the progress row; if it belongs to another input (songs
 * or options changed) or there is none, clears the pair table and starts
 * over for `fingerprint`. Call inside a transaction.
 */
export async function claimSimilarityProgress(client: pg.ClientBase, fingerprint: string): Promise<SimilarityProgress> {
  await client.query("LOCK TABLE similarity_progress IN EXCLUSIVE MODE");
  const { rows } = await client.query<{ fingerprint: string; last_seq: number; pairs_written: string; completed: boolean }>(
    "SELECT fingerprint, last_seq, pairs_written, completed FROM similarity_progress",
  );
  const current = rows[0];
  if (current && current.fingerprint === fingerprint) {
    return { fingerprint, lastSeq: current.last_seq, pairsWritten: Number(current.pairs_written), completed: current.completed };
  }
  await client.query("TRUNCATE filepair_similarity_score");
  await deferPrimaryKeyIfEmpty(client, PAIR_KEY);
  await client.query(
    `INSERT INTO similarity_progress (singleton, fingerprint, last_seq, pairs_written, completed)
     VALUES (true, $1, 0, 0, false)
     ON CONFLICT (singleton) DO UPDATE SET fingerprint = $1, last_seq = 0, pairs_written = 0, completed = false, updated_at = now()`,
    [fingerprint],
  );
  return { fingerprint, lastSeq: 0, pairsWritten: 0, completed: false };
}

/** Locks the progress row for a batch write; throws if another run has taken the table over meanwhile. */
export async function lockSimilarityProgress(client: pg.ClientBase, fingerprint: string): Promise<{ lastSeq: number }> {
  const { rows } = await client.query<{ fingerprint: string; last_seq: number }>(
    "SELECT fingerprint, last_seq FROM similarity_progress FOR UPDATE",
  );
  const current = rows[0];
  if (!current || current.fingerprint !== fingerprint) {
    throw new Error("similarity progress was reset by another run while this one was writing");
  }
  return { lastSeq: current.last_seq };
}

export async function advanceSimilarityProgress(client: pg.ClientBase, seq: number, pairs: number): Promise<void> {
  await client.query(
    "UPDATE similarity_progress SET last_seq = $1, pairs_written = pairs_written + $2, updated_at = now()",
    [seq, pairs],
  );
}

export async function completeSimilarityProgress(client: pg.ClientBase, fingerprint: string): Promise<void> {
  await restorePrimaryKey(client, PAIR_KEY);
  await client.query("UPDATE similarity_progress SET completed = true, updated_at = now() WHERE fingerprint = $1", [fingerprint]);
}
