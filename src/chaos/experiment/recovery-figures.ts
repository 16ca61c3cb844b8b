import type { ProbeSample } from "../core/index.ts";

/** Samples grouped by the tick they were taken at, in time order. */
function ticks(samples: readonly ProbeSample[], probes: ReadonlySet<string>): { at: number; ok: boolean }[] {
  const byTick = new Map<number, boolean>();
  for (const sample of samples) {
    if (!probes.has(sample.probe)) continue;
    byTick.set(sample.at, (byTick.get(sample.at) ?? true) && sample.ok);
  }
  return [...byTick].map(([at, ok]) => ({ at, ok })).sort((a, b) => a.at - b.at);
}

/**
 * Time from `from` (a fault's removal) until every probe in `probes` holds
 * and keeps holding for `stableForMs` (or until sampling ended); null when it
 * never did.
 */
export function recoveryAfter(samples: readonly ProbeSample[], probes: ReadonlySet<string>, from: number, stableForMs: number): number | null {
  const after = ticks(samples, probes).filter((tick) => tick.at >= from);
  for (let i = 0; i < after.length; i++) {
    if (!after[i]!.ok) continue;
    let stable = true;
    for (let j = i + 1; j < after.length && after[j]!.at - after[i]!.at <= stableForMs; j++) {
      if (!after[j]!.ok) {
        stable = false;
        break;
      }
    }
    if (stable) return after[i]!.at - from;
  }
  return null;
}

/** Time from `from` (a fault's injection) to the first tick where a probe failed; null when none did. */
export function detectionAfter(samples: readonly ProbeSample[], probes: ReadonlySet<string>, from: number, until = Infinity): number | null {
  const failed = ticks(samples, probes).find((tick) => tick.at >= from && tick.at <= until && !tick.ok);
  return failed ? failed.at - from : null;
}
