/**
 * Rates measured by this bench on this machine (2 cores, niced under a running soak), used to say
 * how long a run will take before it starts. Each is per process.
 */
export const MEASURED_RATES = {
  /** Songs rendered and PUT to s3rver per second, 16 at a time. */
  uploadObjectsPerSecond: 40,
  /** Objects listed, downloaded, parsed and written per second by one extraction process. */
  extractObjectsPerSecond: 25,
  /** Pairs searched and written per second by one similarity process (at the slowest shard count). */
  similarityPairsPerSecond: 20_000,
  /** Starting a pipeline process (loading its TypeScript sources) on the loaded machine. */
  processStartSeconds: 15,
};

/** Upload once, then both stages once per shard count; the shard counts run on 2 loaded cores, so their processes are not counted as parallel. */
export function estimateRunMs(run: { songs: number; pairs: number; shardCounts: readonly number[] }, rates = MEASURED_RATES): number {
  const perRun = 2 * rates.processStartSeconds + run.songs / rates.extractObjectsPerSecond + run.pairs / rates.similarityPairsPerSecond;
  return 1000 * (run.songs / rates.uploadObjectsPerSecond + run.shardCounts.length * perRun);
}
