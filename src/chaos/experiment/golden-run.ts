import type { AttachedSystem, ChaosEnvironment, PipelineLaunchRequest, SystemSnapshot } from "../core/index.ts";
import { measureBaseline, type Baseline } from "./baseline-run.ts";
import type { GoldenOutputCache } from "./golden-output.ts";

/** A fault-free run of the corpus: its throughput, and its tables on demand. */
export interface GoldenRun {
  /** The input's content key (golden-output.ts). */
  key: string;
  /** An earlier experiment of this test run with the same input ran it. */
  reused: boolean;
  baseline: Baseline;
  snapshot(): Promise<SystemSnapshot>;
}

/**
 * The golden run of the corpus: its throughput now, its output when the
 * integrity check asks for them. Reused from `cache` when an earlier
 * experiment of this test run had the same input (same content key); a
 * fresh one is kept there once its tables have been read.
 */
export async function goldenRun(
  env: ChaosEnvironment,
  system: AttachedSystem,
  request: Omit<PipelineLaunchRequest, "database">,
  key: string,
  inputObjects: number,
  signal: AbortSignal,
  cache: GoldenOutputCache | undefined,
): Promise<GoldenRun> {
  const cached = await cache?.get(key);
  if (cached) return { key, reused: true, baseline: cached.baseline, snapshot: async () => cached.snapshot };
  const database = await env.createDatabase("golden");
  const baseline = await measureBaseline(system, { ...request, database: database.name }, inputObjects, signal);
  return {
    key,
    reused: false,
    baseline,
    snapshot: async () => {
      const snapshot = await system.snapshot(database);
      await cache?.put(key, { baseline, snapshot });
      return snapshot;
    },
  };
}
