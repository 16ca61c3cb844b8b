import { ConfigError } from "./errors.ts";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry.ts";
import { validateSimilarityOptions, type SimilarityOptions, type TokenMode } from "./similarity/index.ts";

/** Where the MIDI files are. */
/**
 * Files per extraction transaction by default: about 2,500 instrument rows, so
 * a transaction's fixed costs (round trips, a socket write that wakes the server,
 * the commit) are small next to its COPY: with 100, they held the writer to
 * 0.64–0.82× a raw COPY of the same rows on a lightly loaded machine
 * (`npm run bench`). A killed run redoes at most this many files.
 */
export const DEFAULT_WRITE_BATCH_FILES = 500;

export interface S3SourceConfig {
  /** S3-compatible endpoint (s3rver, MinIO); omit for AWS S3. */
  endpoint: string | undefined;
  region: string;
  bucket: string;
  /** Only keys under this prefix are read ("" = the whole bucket). */
  prefix: string;
  /** Path-style URLs (`endpoint/bucket/key`), as S3-compatible servers need. */
  forcePathStyle: boolean;
  /** Omit both to use the SDK's default credential chain. */
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
}

/**
 * A deterministic slice of a stage's work, for running it as several processes (e.g. a
 * Kubernetes Indexed Job): extraction takes the keys a stable hash assigns to `index`,
 * similarity the pairs whose first song the work-balanced plan assigns to it.
 */
export interface ShardConfig {
  index: number;
  count: number;
}

export type StageName = "extract" | "similarity";

/** Everything a run needs, validated. Contains credentials: log it only through {@link describeConfig}. */
export interface PipelineConfig {
  databaseUrl: string;
  s3: S3SourceConfig;
  /** Downloads in flight at once. */
  concurrency: number;
  /** One S3 request (headers and body) may take this long before it counts as a timeout. */
  requestTimeoutMs: number;
  /** A Postgres statement may take this long before the client gives up on it and retries. */
  queryTimeoutMs: number;
  /** Files written per transaction (default {@link DEFAULT_WRITE_BATCH_FILES}). */
  writeBatchFiles: number;
  retry: RetryPolicy;
  tokenMode: TokenMode;
  similarity: SimilarityOptions;
  shard: ShardConfig;
  stages: readonly StageName[];
}

/** Input for {@link resolvePipelineConfig}: everything optional except where the data lives. */
export interface PipelineConfigInput {
  databaseUrl?: string;
  s3?: Partial<S3SourceConfig>;
  concurrency?: number;
  requestTimeoutMs?: number;
  queryTimeoutMs?: number;
  writeBatchFiles?: number;
  retry?: Partial<RetryPolicy>;
  tokenMode?: TokenMode;
  similarity?: Partial<SimilarityOptions>;
  shard?: Partial<ShardConfig>;
  stages?: readonly StageName[];
}

const TOKEN_MODES: readonly TokenMode[] = ["default", "scale-compat"];
const STAGES: readonly StageName[] = ["extract", "similarity"];

/** Fills defaults and validates once, at the edge; a bad value fails with a {@link ConfigError} naming its field. */
export function resolvePipelineConfig(input: PipelineConfigInput): PipelineConfig {
  const databaseUrl = requireString(input.databaseUrl, "databaseUrl");
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) throw new ConfigError("databaseUrl", "must start with postgres:// or postgresql://");
  const s3 = input.s3 ?? {};
  const endpoint = s3.endpoint;
  if (endpoint !== undefined && !/^https?:\/\/[^/]+/.test(endpoint))
    throw new ConfigError("s3.endpoint", `must be an http(s) URL, got ${JSON.stringify(endpoint)}`);
  const credentials = s3.credentials;
  if (credentials !== undefined) {
    requireString(credentials.accessKeyId, "s3.credentials.accessKeyId");
    requireString(credentials.secretAccessKey, "s3.credentials.secretAccessKey");
  }
  const tokenMode = input.tokenMode ?? "default";
  if (!TOKEN_MODES.includes(tokenMode)) throw new ConfigError("tokenMode", `must be one of ${TOKEN_MODES.join(", ")}, got ${JSON.stringify(tokenMode)}`);
  const shard = { index: input.shard?.index ?? 0, count: input.shard?.count ?? 1 };
  positiveInteger(shard.count, "shard.count");
  if (!Number.isInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) {
    throw new ConfigError("shard.index", `must be an integer in 0..${shard.count - 1}, got ${shard.index}`);
  }
  const stages = input.stages ?? STAGES;
  if (stages.length === 0) throw new ConfigError("stages", "must name at least one stage");
  for (const stage of stages)
    if (!STAGES.includes(stage)) throw new ConfigError("stages", `has unknown stage ${JSON.stringify(stage)} (known: ${STAGES.join(", ")})`);
  if (shard.count > 1 && stages.length > 1) {
    throw new ConfigError(
      "stages",
      `must name one stage in a sharded run (shard.count ${shard.count}): similarity compares the songs of every extraction shard, so run it after all of them`,
    );
  }
  const retry = { ...DEFAULT_RETRY_POLICY, ...input.retry };
  let similarity: SimilarityOptions;
  try {
    similarity = validateSimilarityOptions(input.similarity ?? {});
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const field = /^(similarity\.[\w.]+)/.exec(message)?.[1] ?? "similarity";
    throw new ConfigError(field, message.replace(/^similarity\.[\w.]+\s*/, ""));
  }
  return {
    databaseUrl,
    s3: {
      endpoint,
      region: s3.region ?? "us-east-1",
      bucket: requireString(s3.bucket, "s3.bucket"),
      prefix: s3.prefix ?? "",
      forcePathStyle: s3.forcePathStyle ?? endpoint !== undefined,
      credentials,
    },
    concurrency: positiveInteger(input.concurrency ?? 8, "concurrency"),
    requestTimeoutMs: positiveInteger(input.requestTimeoutMs ?? 10_000, "requestTimeoutMs"),
    queryTimeoutMs: positiveInteger(input.queryTimeoutMs ?? 30_000, "queryTimeoutMs"),
    writeBatchFiles: positiveInteger(input.writeBatchFiles ?? DEFAULT_WRITE_BATCH_FILES, "writeBatchFiles"),
    retry: {
      maxAttempts: positiveInteger(retry.maxAttempts, "retry.maxAttempts"),
      baseDelayMs: positiveInteger(retry.baseDelayMs, "retry.baseDelayMs"),
      maxDelayMs: positiveInteger(retry.maxDelayMs, "retry.maxDelayMs"),
    },
    tokenMode,
    similarity,
    shard,
    stages,
  };
}

/** The configuration with credentials and passwords masked, safe for logs and reports. */
export function describeConfig(config: PipelineConfig): Record<string, unknown> {
  return {
    ...config,
    databaseUrl: redactUrl(config.databaseUrl),
    s3: { ...config.s3, credentials: config.s3.credentials ? { accessKeyId: "***", secretAccessKey: "***" } : undefined },
  };
}

/** Masks the password (and user info) of a URL. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, "//***@");
  }
}

function requireString(value: unknown, field: string): string {
  if (typeof value !== "string" || value.trim() === "") throw new ConfigError(field, "is required");
  return value;
}

function positiveInteger(value: number, field: string): number {
  if (!Number.isInteger(value) || value <= 0) throw new ConfigError(field, `must be a positive integer, got ${JSON.stringify(value)}`);
  return value;
}
