/**
 * Time of a Lakh-scale run on K workers, from the per-shard figures measured with N = 1 and 2.
 *
 * Extraction splits the objects by a hash of their key, so each worker's time is its share of the
 * objects over the per-process rate measured. Similarity does not split evenly: every shard loads
 * all songs and runs the whole candidate search; only the pair writes divide among the shards. So
 * its time is `repeated + divisible / K`, where `repeated` is a shard's time outside its pair writes
 * (mean over all shards measured) and `divisible` the pair writes of one whole run (mean over runs).
 * For a larger target corpus, extraction scales with its songs and similarity with its pairs (the
 * candidate search also grows with the pairs it finds). Postgres and S3 are assumed to keep up
 * with K workers.
 */

/** The measured figures of one run of both stages with `shards` processes each (in-process times, start-up excluded). */
export interface MeasuredRun {
  shards: number;
  /** Per extraction process: objects it wrote and its time. */
  extract: { objects: number; ms: number }[];
  /** Per similarity process: its time, and the part of it spent writing pairs. */
  similarity: { ms: number; writeMs: number }[];
}

export interface WorkerProjection {
  workers: number;
  extractMs: number;
  similarityMs: number;
  totalMs: number;
}

/** Similarity on K workers: `repeatedMs + divisibleMs / K`. */
export interface SimilarityModel {
  repeatedMs: number;
  divisibleMs: number;
}

export function projectWorkers(
  runs: readonly MeasuredRun[],
  target: { songs: number; /** Target pairs over the measured runs' pairs. */ pairScale: number },
  workers: readonly number[],
): { similarity: SimilarityModel; extractObjectsPerSecond: number; projections: WorkerProjection[] } {
  if (runs.length === 0) throw new Error("runs must hold at least one measured run");
  for (const worker of workers) if (!Number.isInteger(worker) || worker < 1) throw new RangeError(`workers must be positive integers, got ${worker}`);
  const extractions = runs.flatMap((run) => run.extract);
  const objects = sum(extractions.map((process) => process.objects));
  const seconds = sum(extractions.map((process) => process.ms)) / 1000;
  if (objects <= 0 || seconds <= 0) throw new Error("the runs' extraction processes wrote no objects: nothing to project from");
  const extractObjectsPerSecond = objects / seconds;

  const shards = runs.flatMap((run) => run.similarity);
  const similarity: SimilarityModel = {
    repeatedMs: sum(shards.map((shard) => Math.max(0, shard.ms - shard.writeMs))) / shards.length,
    divisibleMs: sum(runs.map((run) => sum(run.similarity.map((shard) => shard.writeMs)))) / runs.length,
  };
  const projections = workers.map((k) => {
    const extractMs = (1000 * Math.ceil(target.songs / k)) / extractObjectsPerSecond;
    const similarityMs = target.pairScale * (similarity.repeatedMs + similarity.divisibleMs / k);
    return { workers: k, extractMs, similarityMs, totalMs: extractMs + similarityMs };
  });
  return { similarity, extractObjectsPerSecond, projections };
}

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);
