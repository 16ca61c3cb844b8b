import { randomUUID } from "node:crypto";
import { resolvePipelineConfig, type PipelineConfig, type PipelineConfigInput } from "../config.ts";
import { describeError, RunAbortedError } from "../errors.ts";
import { PipelineMetrics } from "../metrics.ts";
import { withRetry } from "../retry.ts";
import { createS3Client } from "../source/s3-client.ts";
import { createDatabasePool } from "../store/database-pool.ts";
import { migrate } from "../store/migrations.ts";
import { withPooledClient } from "../store/pooled-client.ts";
import { runExtraction, type ExtractionSummary } from "./extract-stage.ts";
import type { PipelineEventListener } from "./pipeline-events.ts";
import type { RunContext } from "./run-context.ts";
import { runSimilarity, type SimilaritySummary } from "./similarity-stage.ts";

export interface RunOptions {
  /** Metrics to record into (e.g. one exposed at /metrics); a fresh registry otherwise. */
  metrics?: PipelineMetrics;
  /** Aborting stops the run between operations; it can be resumed later. */
  signal?: AbortSignal;
  onEvent?: PipelineEventListener;
}

/** What a completed run did. */
export interface PipelineSummary {
  runId: string;
  extraction: ExtractionSummary | undefined;
  similarity: SimilaritySummary | undefined;
  durationMs: number;
}

/**
 * Runs the Scale pipeline: S3 MIDI objects → instruments → similar pairs →
 * PostgreSQL. Resumable and idempotent: re-running after a crash, a kill or
 * a completed run leaves the same tables as one uninterrupted run.
 */
export async function runPipeline(input: PipelineConfigInput | PipelineConfig, options: RunOptions = {}): Promise<PipelineSummary> {
  const config = resolvePipelineConfig(input);
  const started = performance.now();
  const metrics = options.metrics ?? new PipelineMetrics();
  const pool = createDatabasePool(config.databaseUrl, config.queryTimeoutMs);
  const s3 = createS3Client(config.s3, config.requestTimeoutMs);
  const context: RunContext = {
    runId: randomUUID(),
    config,
    pool,
    s3,
    metrics,
    emit: options.onEvent ?? (() => undefined),
    signal: options.signal,
  };
  try {
    await withRetry("migrate schema", config.retry, () => withPooledClient(pool, (client) => migrate(client)), { signal: options.signal });
    await recordRun(context, "running");
    let extraction: ExtractionSummary | undefined;
    let similarity: SimilaritySummary | undefined;
    if (config.stages.includes("extract")) {
      extraction = await stage(context, "extract", () => runExtraction(context));
    }
    if (config.stages.includes("similarity")) {
      similarity = await stage(context, "similarity", () => runSimilarity(context));
    }
    const summary: PipelineSummary = { runId: context.runId, extraction, similarity, durationMs: performance.now() - started };
    await recordRun(context, "completed", summary);
    metrics.runsFinished.inc({ status: "completed" });
    return summary;
  } catch (error) {
    const status = error instanceof RunAbortedError ? "aborted" : "failed";
    metrics.runsFinished.inc({ status });
    await recordRun(context, status, undefined, describeError(error)).catch(() => undefined);
    throw error;
  } finally {
    s3.destroy();
    await pool.end().catch(() => undefined);
  }
}

async function stage<T>(context: RunContext, name: "extract" | "similarity", work: () => Promise<T>): Promise<T> {
  context.emit({ type: "stage-started", stage: name });
  const started = performance.now();
  const result = await context.metrics.timeStage(name, work);
  context.emit({ type: "stage-finished", stage: name, durationMs: performance.now() - started });
  return result;
}

async function recordRun(context: RunContext, status: string, summary?: PipelineSummary, error?: string): Promise<void> {
  const { shard } = context.config;
  await withRetry("record run", { ...context.config.retry, maxAttempts: status === "running" ? context.config.retry.maxAttempts : 3 }, () =>
    context.pool.query(
      `INSERT INTO pipeline_run (run_id, status, shard_index, shard_count) VALUES ($1, $2, $3, $4)
       ON CONFLICT (run_id) DO UPDATE SET status = $2, summary = $5, error = $6,
         finished_at = CASE WHEN $2 = 'running' THEN NULL ELSE now() END`,
      [context.runId, status, shard.index, shard.count, summary ? JSON.stringify(summary) : null, error ?? null],
    ),
  );
}
