import type { Mutant } from "./mutant.ts";

const CLASSIFIER = "src/pipeline/error-classifier.ts";
const RETRY = "src/pipeline/retry.ts";
const EXTRACT = "src/pipeline/run/extract-stage.ts";
const EXTRACTION_WRITER = "src/pipeline/store/extraction-writer.ts";
const PAIR_WRITER = "src/pipeline/store/pair-writer.ts";
const DATABASE_POOL = "src/pipeline/store/database-pool.ts";

/**
 * Resilience bugs to seed into `src/pipeline/`, one at a time (`npm run mutants`).
 * Each is a mistake a developer could plausibly make, compiles, and leaves a
 * fault-free run's tables unchanged: only a fault, a crash or a rerun shows it.
 * Ordered by area: retries, checkpoints and idempotency, errors and exit codes,
 * deadlines.
 */
export const CATALOGUE: readonly Mutant[] = [
  {
    id: "reset-not-retried",
    kind: "wrong retry classification",
    description: "ECONNRESET is no longer transient: a connection reset by S3 or Postgres fails the operation at once",
    caughtBy: "scenario: scenarios/explore-selection.test.ts",
    edit: { file: CLASSIFIER, find: `  ECONNRESET: "connection-reset",\n`, replace: "" },
  },
  {
    id: "pg-connection-exception-not-retried",
    kind: "wrong retry classification",
    description: "SQLSTATE class 08 (connection exception) is treated as permanent: a pooler turning a login away (PgBouncer's 08P01) fails the run",
    caughtBy: "scenario: scenarios/explore-selection.test.ts",
    edit: { file: CLASSIFIER, find: `  if (sqlState.startsWith("08")) return "database-unavailable"; // connection exception\n`, replace: "" },
  },
  {
    id: "too-many-connections-not-retried",
    kind: "wrong retry classification",
    description: "'too many clients' (53300) is treated as permanent, so a full connection table fails the run",
    caughtBy: "scenario: scenarios/explore-selection.test.ts",
    edit: {
      file: CLASSIFIER,
      find: `  if (sqlState === "53300" || sqlState === "53400") return "database-unavailable"; // too many connections\n`,
      replace: "",
    },
  },
  {
    id: "serialization-failure-not-retried",
    kind: "wrong retry classification",
    description: "only deadlocks are retried; a serialization failure (40001, also raised for a concurrent writer's duplicate) fails the run",
    caughtBy: "scenario: scenarios/explore-selection.test.ts",
    edit: {
      file: CLASSIFIER,
      find: `if (sqlState === "40001" || sqlState === "40P01") return "serialization";`,
      replace: `if (sqlState === "40P01") return "serialization";`,
    },
  },
  {
    id: "query-timeout-not-retried",
    kind: "wrong retry classification",
    description: "pg's client-side 'Query read timeout' is no longer recognised: a statement that outlives query_timeout fails the run",
    caughtBy: "scenario: scenarios/explore-selection.test.ts",
    edit: {
      file: CLASSIFIER,
      find: "/connection timeout|timeout exceeded when trying to connect|Query read timeout/i",
      replace: "/connection timeout|timeout exceeded when trying to connect/i",
    },
  },
  {
    id: "access-denied-retried",
    kind: "wrong retry classification",
    description: "HTTP 403 is taken for throttling and retried: a denied object exhausts the retries and fails the run instead of being quarantined",
    caughtBy: "scenario: scenarios/s3-objects-unreadable-after-listing.test.ts",
    edit: { file: CLASSIFIER, find: `  408: "timeout",\n`, replace: `  403: "throttled",\n  408: "timeout",\n` },
  },
  {
    id: "bad-body-not-retried",
    kind: "wrong retry classification",
    description: "a truncated or corrupted body is no longer transient: the object is quarantined as bad although the next read would be whole",
    caughtBy: "scenario: scenarios/explore-selection.test.ts",
    edit: { file: CLASSIFIER, find: `  if (error instanceof BodyIntegrityError) return "body-integrity";\n`, replace: "" },
  },
  {
    id: "one-attempt-too-many",
    kind: "wrong retry budget",
    description: "off by one: maxAttempts allows one attempt more than configured",
    caughtBy: "scenario: scenarios/s3-outage-outlasting-retries.test.ts",
    edit: { file: RETRY, find: "attemptNumber >= policy.maxAttempts", replace: "attemptNumber > policy.maxAttempts" },
  },
  {
    id: "backoff-not-exponential",
    kind: "missing backoff",
    description: "the delay stays at the base delay: twelve attempts span about a second, so a few seconds of outage fail the run",
    caughtBy: "scenario: scenarios/postgres-network-partition.test.ts",
    edit: {
      file: RETRY,
      find: "Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempt - 1))",
      replace: "Math.min(policy.maxDelayMs, policy.baseDelayMs)",
    },
  },
  {
    id: "pair-batch-at-checkpoint-rewritten",
    kind: "non-idempotent write",
    description: "a pair batch equal to the checkpoint (its COMMIT acknowledgement was lost) is written again, duplicating its pairs",
    caughtBy: "scenario: scenarios/postgres-commit-ack-lost-pairs.test.ts",
    edit: { file: PAIR_WRITER, find: "if (batch.seq <= lastSeq) return 0;", replace: "if (batch.seq < lastSeq) return 0;" },
  },
  {
    id: "pair-checkpoint-not-advanced",
    kind: "lost checkpoint",
    description: "a pair batch commits without advancing the checkpoint: a retry or resume writes committed batches again",
    caughtBy: "scenario: scenarios/postgres-commit-ack-lost-pairs.test.ts",
    edit: { file: PAIR_WRITER, find: "  await advanceSimilarityProgress(client, fingerprint, batch.seq, batch.pairs.length);\n", replace: "" },
  },
  {
    // Breaks any run of two or more shards, fault or not (each later shard finds the first one's checkpoint and resumes
    // it), and a single-process run not at all: only a sharded chaos test sees it, and the sharded scenario's kill and
    // resume are where a shard's own checkpoint matters.
    id: "shard-checkpoint-shared",
    kind: "shared checkpoint",
    description: "the similarity checkpoint no longer includes the shard: shards of one layout resume from each other's progress",
    caughtBy: "scenario: scenarios/similarity-shard-killed.test.ts",
    edit: {
      file: "src/pipeline/run/similarity-stage.ts",
      find: 'createHash("sha256").update(`${inputFingerprint}\\u0000shard ${shard.index} of ${shard.count}`).digest("hex")',
      replace: 'createHash("sha256").update(inputFingerprint).digest("hex")',
    },
  },
  {
    id: "old-pairs-kept-on-new-input",
    kind: "stale checkpoint",
    description: "a new input (more songs after a rerun) starts a new checkpoint without clearing the old input's pairs",
    caughtBy: "scenario: scenarios/s3-objects-unreadable-after-listing.test.ts",
    edit: { file: "src/pipeline/store/similarity-progress.ts", find: `    await client.query("TRUNCATE filepair_similarity_score");\n`, replace: "" },
  },
  {
    id: "changed-object-skipped",
    kind: "stale checkpoint",
    description: "the ledger skips an object already recorded even when its ETag changed: a replaced object keeps its old rows",
    caughtBy: "scenario: scenarios/s3-objects-replaced-between-runs.test.ts",
    edit: {
      file: EXTRACT,
      find: `const again = previous.etag !== object.etag || (previous.outcome === "quarantined" && previous.stage === "download");`,
      replace: `const again = previous.outcome === "quarantined" && previous.stage === "download";`,
    },
  },
  {
    id: "download-quarantine-final",
    kind: "stale quarantine",
    description: "an object quarantined because its download failed is never tried again by a later run",
    caughtBy: "scenario: scenarios/s3-objects-unreadable-after-listing.test.ts",
    edit: {
      file: EXTRACT,
      find: `const again = previous.etag !== object.etag || (previous.outcome === "quarantined" && previous.stage === "download");`,
      replace: "const again = previous.etag !== object.etag;",
    },
  },
  {
    id: "replaced-instruments-kept",
    kind: "non-idempotent write",
    description: "a re-processed object's old instrument rows are not deleted before its new ones are copied in",
    caughtBy: "scenario: scenarios/s3-objects-replaced-between-runs.test.ts",
    edit: {
      file: EXTRACTION_WRITER,
      find: `    await client.query("DELETE FROM filename_instrument WHERE filename = ANY($1::text[])", [replaced]);\n`,
      replace: "",
    },
  },
  {
    id: "stale-quarantine-row-kept",
    kind: "stale quarantine",
    description: "an object written on a later run keeps its old quarantine row",
    caughtBy: "scenario: scenarios/s3-objects-replaced-between-runs.test.ts",
    edit: { file: EXTRACTION_WRITER, find: `    await client.query("DELETE FROM quarantined_object WHERE key = ANY($1::text[])", [replaced]);\n`, replace: "" },
  },
  {
    id: "ledger-unread-on-retry",
    kind: "non-idempotent write",
    description: "a retried instrument batch still skips reading the ledger, although its first attempt may have committed (lost acknowledgement)",
    caughtBy: "scenario: scenarios/postgres-commit-ack-lost-instruments.test.ts",
    edit: { file: EXTRACT, find: "unrecorded: unrecorded && attempt === 1", replace: "unrecorded" },
  },
  {
    id: "write-conflict-not-retried",
    kind: "wrong retry classification",
    description: "a duplicate key from a concurrent writer (23505) is no longer turned into a retryable write conflict",
    caughtBy: "scenario: scenarios/explore-selection.test.ts",
    edit: {
      file: "src/pipeline/store/transaction.ts",
      find: `        if ((error as { code?: unknown }).code === "23505") throw new WriteConflictError({ cause: error });\n`,
      replace: "",
    },
  },
  {
    id: "batch-write-failure-swallowed",
    kind: "swallowed error",
    description: "a batch write that failed after its retries is logged and forgotten: the run exits 0 without those files",
    caughtBy: "explore: pg COPY filename_instrument × permanent-error × middle",
    edit: {
      file: "src/pipeline/run/outcome-batcher.ts",
      find: ".catch((error: unknown) => void (this.failure ??= { error }))",
      replace: ".catch((error: unknown) => console.error(error))",
    },
  },
  {
    id: "download-failure-swallowed",
    kind: "swallowed error",
    description: "the workers stop at a download whose retries ran out, but its error is not rethrown: the run exits 0 without that page's rest",
    caughtBy: "scenario: scenarios/s3-outage-outlasting-retries.test.ts",
    edit: { file: "src/pipeline/run/map-concurrent.ts", find: "  if (failure) throw failure.error;\n", replace: "" },
  },
  {
    id: "outage-quarantined-as-bad-object",
    kind: "wrong retry classification",
    description: "a download that failed on transient errors (S3 down) is quarantined as a bad object instead of failing the run",
    caughtBy: "scenario: scenarios/s3-outage-outlasting-retries.test.ts",
    edit: { file: EXTRACT, find: "if (error instanceof OperationFailedError && !error.retryable) {", replace: "if (error instanceof OperationFailedError) {" },
  },
  {
    id: "download-quarantine-reason-lost",
    kind: "lost quarantine reason",
    description: "a refused download is quarantined under the wrapper's name (s3-OperationFailedError) instead of S3's code (AccessDenied, NoSuchKey)",
    caughtBy: "scenario: scenarios/s3-objects-unreadable-after-listing.test.ts",
    edit: { file: EXTRACT, find: "`s3-${errorCode(error.cause)}`", replace: "`s3-${errorCode(error)}`" },
  },
  {
    id: "failed-run-exits-zero",
    kind: "wrong exit code",
    description: "runPipeline records a failed run but returns an empty summary instead of throwing, so the process exits 0",
    caughtBy: "explore: pg COMMIT × permanent-error × first",
    edit: {
      file: "src/pipeline/run/run-pipeline.ts",
      find: "    await recordRun(context, status, undefined, describeError(error)).catch(() => undefined);\n    throw error;\n",
      replace:
        "    await recordRun(context, status, undefined, describeError(error)).catch(() => undefined);\n" +
        "    return { runId: context.runId, extraction: undefined, similarity: undefined, durationMs: performance.now() - started };\n",
    },
  },
  {
    id: "idle-client-error-unhandled",
    kind: "swallowed error",
    description: "the pool's 'error' listener is dropped: an idle connection lost to a server restart or reset crashes the process",
    caughtBy: "scenario: scenarios/postgres-kill-mid-copy.test.ts",
    edit: { file: DATABASE_POOL, find: `  pool.on("error", () => undefined);\n`, replace: "" },
  },
  {
    id: "no-query-timeout",
    kind: "missing deadline",
    description: "no client-side query_timeout: a frozen or silent Postgres holds a statement, and the run, forever",
    caughtBy: "scenario: scenarios/explore-selection.test.ts",
    edit: { file: DATABASE_POOL, find: "    query_timeout: queryTimeoutMs,\n", replace: "" },
  },
  {
    id: "no-connect-timeout",
    kind: "missing deadline",
    description: "no connectionTimeoutMillis: a connect into a partition waits for the operating system's TCP timeout",
    caughtBy: "explore: pg connect × hang × first",
    edit: { file: DATABASE_POOL, find: "    connectionTimeoutMillis: 5_000,\n", replace: "" },
  },
  {
    id: "no-download-deadline",
    kind: "missing deadline",
    description: "a download attempt has no deadline of its own, only the SDK's response-header timeout: a body that stalls holds the worker",
    caughtBy: "explore: s3 GetObject × hang × first",
    edit: {
      file: "src/pipeline/source/object-downloader.ts",
      find: "const signals = [AbortSignal.timeout(requestTimeoutMs), ...(hooks.signal ? [hooks.signal] : [])];",
      replace: "const signals = [...(hooks.signal ? [hooks.signal] : [])];",
    },
  },
  {
    id: "s3-timeout-only-logged",
    kind: "missing deadline",
    description: "the SDK's request timeout only logs a warning: a ListObjectsV2 that never answers holds the run",
    caughtBy: "explore: s3 ListObjectsV2 × hang × first",
    edit: { file: "src/pipeline/source/s3-client.ts", find: "throwOnRequestTimeout: true,", replace: "throwOnRequestTimeout: false," },
  },
];
