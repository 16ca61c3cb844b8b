/** Scale, the system under test: S3 MIDI files → instruments → MinHash similarity → PostgreSQL. */
export { runPipeline, type PipelineSummary, type RunOptions } from "./run/run-pipeline.ts";
export type { PipelineEvent, PipelineEventListener, PipelineStep } from "./run/pipeline-events.ts";
export {
  resolvePipelineConfig,
  describeConfig,
  redactUrl,
  type PipelineConfig,
  type PipelineConfigInput,
  type S3SourceConfig,
  type ShardConfig,
  type StageName,
} from "./config.ts";
export { ConfigError, OperationFailedError, BodyIntegrityError, RunAbortedError, describeError } from "./errors.ts";
export { transientReason, type TransientReason } from "./error-classifier.ts";
export { withRetry, backoffDelayMs, DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry.ts";
export { PipelineMetrics } from "./metrics.ts";
export { serveMetrics, type MetricsServer } from "./metrics-server.ts";
export { migrate, MIGRATIONS } from "./store/migrations.ts";
export { withPooledClient } from "./store/pooled-client.ts";
export { createS3Client } from "./source/s3-client.ts";
export { downloadObject, type DownloadedObject } from "./source/object-downloader.ts";
export { listObjects } from "./source/object-lister.ts";
export type { SourceObject } from "./source/source-object.ts";
export { readInstruments, programToInstrumentName, MidiFormatError, type Instrument } from "./midi/index.ts";
export {
  instrumentTokens,
  similarPairBatches,
  pairsPerShard,
  DEFAULT_SIMILARITY_OPTIONS,
  type PairShard,
  type SimilarityOptions,
  type SimilarPair,
  type SongTokens,
  type TokenMode,
} from "./similarity/index.ts";
