import type { PipelineProgress } from "../core/index.ts";

/** Sums every sample of `metric` (all label sets) in a Prometheus text exposition. */
export function sumOf(exposition: string, metric: string): number {
  let total = 0;
  for (const line of exposition.split("\n")) {
    if (!line.startsWith(metric)) continue;
    const rest = line.slice(metric.length);
    if (rest[0] !== " " && rest[0] !== "{") continue;
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    if (Number.isFinite(value)) total += value;
  }
  return total;
}

/** The pipeline's progress counters from its `/metrics` text (see src/pipeline/metrics.ts). */
export function progressFromMetrics(exposition: string): PipelineProgress {
  return {
    objectsDone: sumOf(exposition, "scale_objects_committed_total"),
    pairsWritten: sumOf(exposition, 'scale_rows_written_total{table="filepair_similarity_score"}'),
    retries: sumOf(exposition, "scale_retries_total"),
    quarantined: sumOf(exposition, "scale_objects_quarantined_total"),
  };
}

/** Fetches and parses a pipeline's `/metrics`; throws when it cannot be reached in `timeoutMs`. */
export async function scrapePipelineProgress(metricsUrl: string, timeoutMs = 1_000): Promise<PipelineProgress> {
  const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`metrics endpoint answered ${response.status}`);
  return progressFromMetrics(await response.text());
}
