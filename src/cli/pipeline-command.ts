import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import {
  ConfigError,
  describeError,
  PipelineMetrics,
  resolvePipelineConfig,
  RunAbortedError,
  runPipeline,
  serveMetrics,
  type MetricsServer,
  type PipelineConfigInput,
  type PipelineSummary,
  type StageName,
  type TokenMode,
} from "../pipeline/index.ts";
import { EmbeddedEnvironment, type StartedEmbeddedEnvironment } from "../chaos/embedded/index.ts";
import { loadBundledCorpus } from "./bundled-corpus.ts";
import { formatSummary } from "./summary-table.ts";
import { previewResults } from "./result-preview.ts";
import { ProgressReporter } from "./progress-reporter.ts";
import { deferInterruptsToApp } from "../chaos/core/index.ts";

export const PIPELINE_USAGE = `Usage: chaos-control pipeline [options]

Runs the Scale pipeline: MIDI files in S3 -> instruments -> similarity -> PostgreSQL.

Where the data is (or --embedded):
  --database-url URL     PostgreSQL connection string (default: $DATABASE_URL; prefer the
                         variable: a password in an argument shows in the process list)
  --s3-endpoint URL      S3-compatible endpoint (omit for AWS S3; default: $S3_ENDPOINT)
  --bucket NAME          bucket holding the MIDI files (default: $S3_BUCKET)
  --prefix PREFIX        only keys under this prefix (default: "")
  --region REGION        S3 region (default: $AWS_REGION or us-east-1)
                         S3 credentials come from the AWS SDK's default chain
                         (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profiles, IRSA).
  --embedded             start a local PostgreSQL and S3 server, seed the bundled
                         corpus, run, print the summary and stop everything
  --corpus DIR           with --embedded: also seed every .mid/.midi file under DIR

Run options:
  --concurrency N        downloads in flight (default 8)
  --token-mode MODE      default | scale-compat (drums as their kit program, as Scale did)
  --similarity MODE      lsh | exact (default lsh)
  --bands N --rows N     LSH banding (default 10 x 1, Scale's 10 hash tables)
  --shard-index I --shard-count N
                         run shard I (0..N-1) of N of one stage: extract the keys
                         a hash assigns to I, or write the similar pairs whose
                         first song is assigned to I (balanced by pairs); needs
                         --stages extract or --stages similarity, and similarity
                         only after every extraction shard has finished
                         (defaults: $JOB_COMPLETION_INDEX, as a Kubernetes Indexed
                         Job sets it, and $SHARD_COUNT)
  --stages LIST          extract,similarity (default both)
  --write-batch-files N  files written per transaction (default 500)
  --request-timeout-ms N one S3 request may take this long (default 10000)
  --query-timeout-ms N   one Postgres statement may take this long (default 30000)
  --pair-batch-size N    similar pairs written per transaction (default 5000)
  --retry-attempts N     attempts of one S3 request or Postgres write, the first
                         included, before the run fails (default 12: with backoff
                         from 100 ms doubling to 5 s, about 18-36 s of outage)
  --metrics-port PORT    serve Prometheus metrics on HOST:PORT/metrics
  --metrics-host HOST    address to serve them on (default 127.0.0.1; 0.0.0.0 in a pod)
  --metrics-linger-seconds S
                         keep serving metrics S seconds after the run ends, so a
                         scraper sees the final counters (default 0)
  --json                 print the summary as JSON
  -h, --help             this text
`;

/** `chaos-control pipeline`: exit code 0 done, 1 failed, 2 bad usage or configuration, 130 interrupted. */
export async function runPipelineCommand(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        "database-url": { type: "string" },
        "s3-endpoint": { type: "string" },
        bucket: { type: "string" },
        prefix: { type: "string" },
        region: { type: "string" },
        embedded: { type: "boolean" },
        corpus: { type: "string" },
        concurrency: { type: "string" },
        "token-mode": { type: "string" },
        similarity: { type: "string" },
        bands: { type: "string" },
        rows: { type: "string" },
        "shard-index": { type: "string" },
        "shard-count": { type: "string" },
        stages: { type: "string" },
        "metrics-port": { type: "string" },
        "metrics-host": { type: "string" },
        "metrics-linger-seconds": { type: "string" },
        "write-batch-files": { type: "string" },
        "request-timeout-ms": { type: "string" },
        "query-timeout-ms": { type: "string" },
        "pair-batch-size": { type: "string" },
        "retry-attempts": { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    process.stderr.write(`chaos-control pipeline: ${(error as Error).message}\n\n${PIPELINE_USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(PIPELINE_USAGE);
    return 0;
  }

  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error("interrupted"));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const undoDefer = deferInterruptsToApp();
  let env: StartedEmbeddedEnvironment | undefined;
  let metricsServer: MetricsServer | undefined;
  const metrics = new PipelineMetrics();
  let lingerMs = 0;
  let runStarted = false;
  try {
    lingerMs = 1000 * (optionalInteger(values["metrics-linger-seconds"], "--metrics-linger-seconds") ?? 0);
    if (lingerMs < 0) throw new ConfigError("--metrics-linger-seconds", "must not be negative");
    if (values["metrics-port"] !== undefined) {
      metricsServer = await serveMetrics(metrics.registry, integer(values["metrics-port"], "--metrics-port"), values["metrics-host"] ?? "127.0.0.1");
    }
    const input: PipelineConfigInput = {
      concurrency: optionalInteger(values.concurrency, "--concurrency"),
      writeBatchFiles: optionalInteger(values["write-batch-files"], "--write-batch-files"),
      requestTimeoutMs: optionalInteger(values["request-timeout-ms"], "--request-timeout-ms"),
      queryTimeoutMs: optionalInteger(values["query-timeout-ms"], "--query-timeout-ms"),
      retry: retryFrom(values["retry-attempts"]),
      tokenMode: values["token-mode"] as TokenMode | undefined,
      similarity: {
        ...(values.similarity !== undefined ? { mode: values.similarity as "lsh" | "exact" } : {}),
        ...(values.bands !== undefined ? { bands: integer(values.bands, "--bands") } : {}),
        ...(values.rows !== undefined ? { rows: integer(values.rows, "--rows") } : {}),
        ...(values["pair-batch-size"] !== undefined ? { batchSize: integer(values["pair-batch-size"], "--pair-batch-size") } : {}),
      },
      shard: shardFrom(values["shard-index"], values["shard-count"]),
      stages: values.stages?.split(",").map((stage) => stage.trim()) as StageName[] | undefined,
    };
    if (values.embedded) {
      process.stderr.write("starting the embedded environment (PostgreSQL + S3)...\n");
      env = await new EmbeddedEnvironment().start();
      const corpus = await loadBundledCorpus(values.corpus);
      const seeded = await env.seed(corpus);
      process.stderr.write(`seeded ${seeded} objects into s3://${env.bucket}\n`);
      Object.assign(input, env.pipelineConfig());
    } else {
      if (hasPassword(values["database-url"])) {
        process.stderr.write(
          "warning: the password in --database-url is visible to every local user in the process list; set DATABASE_URL in the environment instead\n",
        );
      }
      Object.assign(input, {
        databaseUrl: values["database-url"] ?? process.env.DATABASE_URL,
        s3: {
          endpoint: values["s3-endpoint"] ?? process.env.S3_ENDPOINT,
          bucket: values.bucket ?? process.env.S3_BUCKET,
          prefix: values.prefix ?? "",
          region: values.region ?? process.env.AWS_REGION ?? "us-east-1",
        },
      });
    }
    const config = resolvePipelineConfig(input);
    if (metricsServer) process.stderr.write(`metrics at ${metricsServer.url}\n`);
    const progress = new ProgressReporter();
    let summary: PipelineSummary;
    try {
      runStarted = true;
      summary = await runPipeline(config, { metrics, signal: controller.signal, onEvent: progress.onEvent });
    } finally {
      progress.finish();
    }
    process.stdout.write(values.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
    if (env && !values.json) process.stdout.write(await previewResults(config.databaseUrl));
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`chaos-control pipeline: ${error.message}\n`);
      return 2;
    }
    if (error instanceof RunAbortedError) {
      process.stderr.write("interrupted: the run stopped between writes; run it again to resume.\n");
      return 130;
    }
    process.stderr.write(`pipeline failed: ${describeError(error)}\n`);
    if (error instanceof Error && error.cause) process.stderr.write(`  caused by: ${describeError(error.cause)}\n`);
    return 1;
  } finally {
    if (metricsServer && runStarted && lingerMs > 0 && !controller.signal.aborted) {
      await sleep(lingerMs, undefined, { signal: controller.signal }).catch(() => undefined);
    }
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    undoDefer();
    await metricsServer?.close();
    await env?.stop();
  }
}

function integer(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value)) throw new ConfigError(flag, `must be an integer, got ${JSON.stringify(text)}`);
  return value;
}

/**
 * The shard of the stage being run: flags first, else the environment of a
 * Kubernetes Indexed Job, which sets JOB_COMPLETION_INDEX in each pod
 * (SHARD_COUNT is ours, set to the Job's completions). Errors name the flag
 * or variable the bad value came from.
 */
function shardFrom(indexFlag: string | undefined, countFlag: string | undefined): { index?: number; count?: number } {
  const index = integerFromFlagOrEnv(indexFlag, "--shard-index", "JOB_COMPLETION_INDEX");
  const count = integerFromFlagOrEnv(countFlag, "--shard-count", "SHARD_COUNT");
  const indexSource = indexFlag !== undefined ? "--shard-index" : "--shard-index (from $JOB_COMPLETION_INDEX)";
  const countSource = countFlag !== undefined ? "--shard-count" : "--shard-count (from $SHARD_COUNT)";
  if (index !== undefined && count === undefined) {
    throw new ConfigError(
      "--shard-count",
      indexFlag === undefined
        ? "is required when the shard index comes from $JOB_COMPLETION_INDEX: set $SHARD_COUNT to the Job's completions"
        : "is required with --shard-index (or $SHARD_COUNT)",
    );
  }
  if (count !== undefined && count < 1) throw new ConfigError(countSource, `must be a positive integer, got ${count}`);
  if (count !== undefined && count > 1 && index === undefined)
    throw new ConfigError("--shard-index", `is required with ${countSource} ${count} (or $JOB_COMPLETION_INDEX)`);
  if (index !== undefined && count !== undefined && (index < 0 || index >= count)) {
    throw new ConfigError(indexSource, `must be an integer in 0..${count - 1}, got ${index}`);
  }
  return { index, count };
}

/** An empty variable counts as unset, as a Kubernetes env entry with an empty value would. */
function integerFromFlagOrEnv(flagValue: string | undefined, flag: string, variable: string): number | undefined {
  if (flagValue !== undefined) return integer(flagValue, flag);
  const fromEnv = process.env[variable];
  return fromEnv === undefined || fromEnv === "" ? undefined : integer(fromEnv, `${flag} (from $${variable})`);
}

/** The retry policy's overrides; a run needs at least its first attempt. */
function retryFrom(attempts: string | undefined): { maxAttempts?: number } {
  if (attempts === undefined) return {};
  const maxAttempts = integer(attempts, "--retry-attempts");
  if (maxAttempts < 1) throw new ConfigError("--retry-attempts", `must be at least 1 (the first attempt), got ${maxAttempts}`);
  return { maxAttempts };
}

function optionalInteger(text: string | undefined, flag: string): number | undefined {
  return text === undefined ? undefined : integer(text, flag);
}

/** Whether a connection string carries a password (which must not sit on a command line). */
function hasPassword(url: string | undefined): boolean {
  if (!url) return false;
  try {
    return new URL(url).password !== "";
  } catch {
    return false;
  }
}
