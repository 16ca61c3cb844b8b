/**
 * Time of a Lakh-scale run on K workers, from the per-shard figures of runs with N = 1 and 2.
 *
 * Extraction splits the objects by a hash of their key, so each worker's time is its share of the
 * objects over the per-process rate measured. Similarity does not split evenly: every shard loads
 * all songs and runs the whole candidate search, and only the pair writes divide. Its time is
 * therefore fitted as `fixed + divisible / N` through the two measured runs. For a larger target
 * corpus, extraction scales with its songs and similarity with its pairs (both parts: the candidate
 * search also grows with the pairs it finds). It assumes Postgres and S3 keep up with K writers.
 */

/** The measured figures of one sharded run of both stages. */
export interface MeasuredRun {
  shards: number;
  /** Per extraction process: objects it wrote and its wall time. */
  extract: { objects: number; ms: number }[];
  /** Per similarity process: its wall time. */
  similarity: { ms: number }[];
}

export interface WorkerProjection {
  workers: number;
  extractMs: number;
  similarityMs: number;
  totalMs: number;
}

/** The similarity model: `fixedMs + divisibleMs / N`. */
export interface SimilarityFit {
  fixedMs: number;
  divisibleMs: number;
}

/**
 * Projects `workers` counts. Needs at least one run; with runs of two different shard counts the
 * similarity stage is fitted as above, with one it is taken as all divisible (an optimistic bound,
 * said so by `fit.fromOneRun`).
 */
export function projectWorkers(
  runs: readonly MeasuredRun[],
  target: { songs: number; /** Target pairs over the measured runs' pairs: similarity time is taken as proportional to them. */ pairScale: number },
  workers: readonly number[],
): { fit: SimilarityFit & { fromOneRun: boolean }; extractObjectsPerSecond: number; projections: WorkerProjection[] } {
  if (runs.length === 0) throw new Error("runs must hold at least one measured run");
  for (const worker of workers) if (!Number.isInteger(worker) || worker < 1) throw new RangeError(`workers must be positive integers, got ${worker}`);
  const processes = runs.flatMap((run) => run.extract);
  const objects = processes.reduce((sum, process) => sum + process.objects, 0);
  const seconds = processes.reduce((sum, process) => sum + process.ms, 0) / 1000;
  if (objects <= 0 || seconds <= 0) throw new Error("the runs' extraction processes wrote no objects: nothing to project from");
  const extractObjectsPerSecond = objects / seconds;

  const wall = (run: MeasuredRun) => Math.max(...run.similarity.map((process) => process.ms));
  const sorted = [...runs].sort((a, b) => a.shards - b.shards);
  const fewest = sorted[0]!;
  const most = sorted[sorted.length - 1]!;
  let fit: SimilarityFit & { fromOneRun: boolean };
  if (fewest.shards === most.shards) {
    fit = { fixedMs: 0, divisibleMs: wall(fewest) * fewest.shards, fromOneRun: true };
  } else {
    // T(n) = fixed + divisible / n through (n1, T1) and (n2, T2); neither part can be negative.
    const [n1, t1, n2, t2] = [fewest.shards, wall(fewest), most.shards, wall(most)];
    const divisible = Math.max(0, (t1 - t2) / (1 / n1 - 1 / n2));
    const fixed = Math.max(0, t1 - divisible / n1);
    fit = { fixedMs: fixed, divisibleMs: divisible, fromOneRun: false };
  }
  const projections = workers.map((k) => {
    const extractMs = (1000 * Math.ceil(target.songs / k)) / extractObjectsPerSecond;
    const similarityMs = target.pairScale * (fit.fixedMs + fit.divisibleMs / k);
    return { workers: k, extractMs, similarityMs, totalMs: extractMs + similarityMs };
  });
  return { fit, extractObjectsPerSecond, projections };
}
