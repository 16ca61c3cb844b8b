import type { PipelineProgress } from "../../core/index.ts";

/** Every sample of a Prometheus text exposition: metric name → [labels, value][]. */
export function parsePrometheusText(text: string): Map<string, { labels: string; value: number }[]> {
  const samples = new Map<string, { labels: string; value: number }[]>();
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line.trim());
    if (!match || line.startsWith("#")) continue;
    const value = Number(match[3]);
    if (!Number.isFinite(value)) continue;
    const list = samples.get(match[1]!) ?? [];
    list.push({ labels: match[2] ?? "", value });
    samples.set(match[1]!, list);
  }
  return samples;
}

/**
 * The pipeline's progress from its metrics (src/pipeline/metrics.ts). Objects
 * done: scale_objects_committed_total (or scale_objects_done_total) when the
 * pipeline exports it, else objects parsed plus objects quarantined.
 */
export function progressFromPrometheusText(text: string): PipelineProgress {
  const samples = parsePrometheusText(text);
  const sum = (name: string, labels?: string) =>
    (samples.get(name) ?? []).filter((sample) => labels === undefined || sample.labels.includes(labels)).reduce((total, sample) => total + sample.value, 0);
  const quarantined = sum("scale_objects_quarantined_total");
  const committedName = ["scale_objects_committed_total", "scale_objects_done_total"].find((name) => samples.has(name));
  return {
    objectsDone: committedName ? sum(committedName) : sum("scale_objects_parsed_total") + quarantined,
    pairsWritten: sum("scale_rows_written_total", 'table="filepair_similarity_score"'),
    retries: sum("scale_retries_total"),
    quarantined,
  };
}
