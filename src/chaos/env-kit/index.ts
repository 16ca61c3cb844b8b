/**
 * Building blocks the environments share, so each behaves the same: seeding
 * a bucket, naming a database, timing a ping to a dependency, running the
 * pipeline as a local child process, and supervising local server processes.
 */
export { seedBucket, ensureBucket } from "./bucket-seeder.ts";
export { DependencyPinger } from "./dependency-pinger.ts";
export { launchLocalPipeline } from "./local-pipeline-process.ts";
export { startCliCompile, useCompiledPipelineCli, pipelineCli, PIPELINE_CLI_VARIABLE, type CliCompile } from "./compiled-cli.ts";
export { progressFromMetrics, scrapePipelineProgress, sumOf as sumOfMetric } from "./pipeline-metrics-scrape.ts";
export { LogTail } from "./log-tail.ts";
export { freePort } from "./free-port.ts";
export { descendantPids, signalEach, isAlive, waitForAllGone } from "./process-tree.ts";
export { ServerProcess, type ProcessOutcome, type StartOutcome, type ShutdownPolicy } from "./server-process.ts";
export { pipelineDatabaseName, POSTGRES_IDENTIFIER_MAX_LENGTH } from "./database-name.ts";
export { keepDirectory, isKept } from "./kept-directory.ts";
export { SeededBucketCache, SEEDED_BUCKET_CACHE_VARIABLE, type StoredBucket } from "./seeded-bucket-cache.ts";
