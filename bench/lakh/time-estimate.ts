/**
 * Rates measured by this bench on this machine (2 cores, nothing else running; the 176,581-song run
 * of 2026-12-07, rounded down), used to say how long a run will take before it starts. Each is a
 * stage's rate whatever its number of processes (here they share two cores and one s3rver), at the
 * slower of the two shard counts. A loaded machine is far slower (niced runs beside a soak got 40
 * uploads/s and 25 extractions/s).
 */
export const MEASURED_RATES = {
  /** Songs rendered and PUT to s3rver per second, 16 at a time. */
  uploadObjectsPerSecond: 850,
  /** Objects listed, downloaded, parsed and written per second by one extraction process. */
  extractObjectsPerSecond: 550,
  /** Pairs searched and written per second by one similarity process (at the slowest shard count). */
  similarityPairsPerSecond: 190_000,
  /** Starting a pipeline process (loading its TypeScript sources). */
  processStartSeconds: 2,
};

/** Upload once, then both stages once per shard count; the shard counts run on 2 loaded cores, so their processes are not counted as parallel. */
export function estimateRunMs(run: { songs: number; pairs: number; shardCounts: readonly number[] }, rates = MEASURED_RATES): number {
  const perRun = 2 * rates.processStartSeconds + run.songs / rates.extractObjectsPerSecond + run.pairs / rates.similarityPairsPerSecond;
  return 1000 * (run.songs / rates.uploadObjectsPerSecond + run.shardCounts.length * perRun);
}
