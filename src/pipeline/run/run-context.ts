import type { S3Client } from "@aws-sdk/client-s3";
import type pg from "pg";
import type { PipelineConfig } from "../config.ts";
import type { PipelineMetrics } from "../metrics.ts";
import type { RetryHooks } from "../retry.ts";
import type { PipelineEventListener, PipelineStep } from "./pipeline-events.ts";

/** What the stages of one run share. */
export interface RunContext {
  runId: string;
  config: PipelineConfig;
  pool: pg.Pool;
  s3: S3Client;
  metrics: PipelineMetrics;
  emit: PipelineEventListener;
  signal: AbortSignal | undefined;
}

/** Retry hooks that count and report each retry of `step`. */
export function retryHooksFor(context: RunContext, step: PipelineStep): RetryHooks {
  return {
    signal: context.signal,
    onRetry: (reason, attempt) => {
      context.metrics.retries.inc({ operation: step, reason });
      context.emit({ type: "retry", step, reason, attempt });
    },
  };
}
