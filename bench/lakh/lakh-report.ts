import type { DiskEstimate } from "./disk-estimate.ts";
import { gib } from "./disk-estimate.ts";
import type { UploadFigures } from "./corpus-upload.ts";
import type { StageProcess, StageRun } from "./stage-processes.ts";
import type { WorkerProjection } from "./worker-projection.ts";

/** The figures of one run of both stages with N shards, and what it left on disk. */
export interface ShardedRunFigures {
  shards: number;
  extract: StageRun;
  similarity: StageRun;
  /** du of Postgres' data directory (WAL included) after the run, and of s3rver's objects. */
  postgresDiskBytes: number;
  s3DiskBytes: number;
}

/** Each process's peak resident set must stay below this. */
export const PEAK_RSS_LIMIT_BYTES = 2 * 1024 ** 3;

/** The Markdown table of measured stages, one row per stage and shard count. */
export function stageTable(upload: UploadFigures, runs: readonly ShardedRunFigures[]): string {
  const lines = [
    "| shards | stage | wall time | rows | rows/s | objects/s | peak RSS per process | balance: work, time (max / mean shard) |",
    "|---:|---|---:|---:|---:|---:|---|---:|",
    `| – | upload (render + PUT to s3rver${upload.retries > 0 ? `, ${upload.retries} PUTs retried` : ""}) | ${seconds(upload.ms)} | – | – | ${rate(upload.objects, upload.ms)} (${((upload.bytes / 1024 ** 2 / upload.ms) * 1000).toFixed(1)} MiB/s) | – | – |`,
  ];
  for (const run of runs) {
    const objects = sum(run.extract.processes.map((p) => p.summary.extraction?.objectsWritten ?? 0));
    const instrumentRows = sum(run.extract.processes.map((p) => p.summary.extraction?.instrumentRows ?? 0));
    const pairs = sum(run.similarity.processes.map((p) => p.summary.similarity?.pairsWritten ?? 0));
    lines.push(
      `| ${run.shards} | extract | ${seconds(run.extract.wallMs)} | ${instrumentRows.toLocaleString("en")} | ${rate(instrumentRows, run.extract.wallMs)} | ${rate(objects, run.extract.wallMs)} | ${rssList(run.extract)} | ${balance(run.extract, (p) => p.summary.extraction?.objectsWritten ?? 0)} |`,
      `| ${run.shards} | similarity | ${seconds(run.similarity.wallMs)} | ${pairs.toLocaleString("en")} | ${rate(pairs, run.similarity.wallMs)} | – | ${rssList(run.similarity)} | ${balance(run.similarity, (p) => p.summary.similarity?.pairsWritten ?? 0)} |`,
    );
  }
  return lines.join("\n");
}

/** Disk estimated before the run against what the runs left. */
export function diskTable(estimate: DiskEstimate, runs: readonly ShardedRunFigures[]): string {
  const lines = [
    "| | S3 objects | Postgres (one run, WAL included) |",
    "|---|---:|---:|",
    `| estimated before starting | ${gib(estimate.s3Bytes)} | ${gib(estimate.postgresBytes)} |`,
  ];
  for (const run of runs) lines.push(`| measured after N = ${run.shards} | ${gib(run.s3DiskBytes)} | ${gib(run.postgresDiskBytes)} |`);
  return lines.join("\n");
}

export function projectionTable(projections: readonly WorkerProjection[], songs: number): string {
  const lines = [`| K workers | extract | similarity | both stages (${songs.toLocaleString("en")} songs) |`, "|---:|---:|---:|---:|"];
  for (const p of projections) lines.push(`| ${p.workers} | ${minutes(p.extractMs)} | ${minutes(p.similarityMs)} | ${minutes(p.totalMs)} |`);
  return lines.join("\n");
}

/** Processes whose peak RSS reached the limit, as lines naming them; empty when all stayed below. */
export function rssViolations(runs: readonly ShardedRunFigures[]): string[] {
  return runs.flatMap((run) =>
    [run.extract, run.similarity].flatMap((stage) =>
      stage.processes
        .filter((p) => p.peakRssBytes >= PEAK_RSS_LIMIT_BYTES)
        .map((p) => `${stage.stage} shard ${p.shard} of ${stage.shards}: peak RSS ${mib(p.peakRssBytes)} >= ${mib(PEAK_RSS_LIMIT_BYTES)}`),
    ),
  );
}

function rssList(stage: StageRun): string {
  return stage.processes.map((p) => mib(p.peakRssBytes)).join(", ");
}

function balance(stage: StageRun, work: (process: StageProcess) => number): string {
  if (stage.processes.length < 2) return "–";
  const spread = (values: number[]) => (Math.max(...values) / (sum(values) / values.length)).toFixed(3);
  return `${spread(stage.processes.map(work))}, ${spread(stage.processes.map((p) => p.ms))}`;
}

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const minutes = (ms: number): string => (ms < 120_000 ? `${(ms / 1000).toFixed(0)} s` : `${(ms / 60_000).toFixed(1)} min`);
const rate = (count: number, ms: number): string => Math.round((count / ms) * 1000).toLocaleString("en");
export const mib = (bytes: number): string => `${Math.round(bytes / 1024 ** 2)} MiB`;

/**
 * Where each stage's time went, from the processes' own step timers, to compare with the parts
 * measured alone (s3rver's rate, the parse bench). Downloads overlap (8 in flight per process), so
 * their summed time is per request, not wall time. In-process time excludes loading the sources.
 */
export function stepTable(runs: readonly ShardedRunFigures[], corpusBytes: number): string {
  const lines = ["| shards | stage | in-process time (slowest shard) | process start-up | steps, summed over shards |", "|---:|---|---:|---:|---|"];
  for (const run of runs) {
    for (const stage of [run.extract, run.similarity]) {
      const inProcess = Math.max(...stage.processes.map((p) => p.summary.durationMs));
      const startup = Math.max(...stage.processes.map((p) => p.ms - p.summary.durationMs));
      const step = (name: string) => sum(stage.processes.map((p) => p.steps[name] ?? Number.NaN));
      let steps: string;
      if (stage.stage === "extract") {
        const objects = sum(stage.processes.map((p) => p.summary.extraction?.objectsWritten ?? 0));
        steps =
          `download ${step("download").toFixed(1)} s (${((step("download") / objects) * 1000).toFixed(1)} ms per object), ` +
          `parse ${step("parse").toFixed(1)} s (${(corpusBytes / 1024 ** 2 / step("parse")).toFixed(0)} MiB/s), write ${step("write-instruments").toFixed(1)} s`;
      } else {
        const search = sum(
          stage.processes.map((p) => p.summary.durationMs / 1000 - (p.steps["load-songs"] ?? Number.NaN) - (p.steps["write-pairs"] ?? Number.NaN)),
        );
        steps = `load songs ${step("load-songs").toFixed(1)} s, write pairs ${step("write-pairs").toFixed(1)} s, search and checkpoints (the rest) ${search.toFixed(1)} s`;
      }
      lines.push(`| ${run.shards} | ${stage.stage} | ${seconds(inProcess)} | ${seconds(startup)} | ${steps} |`);
    }
  }
  return lines.join("\n");
}
