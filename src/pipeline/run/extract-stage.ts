import { downloadObject } from "../source/object-downloader.ts";
import { listObjects } from "../source/object-lister.ts";
import type { SourceObject } from "../source/source-object.ts";
import { OperationFailedError, describeError } from "../errors.ts";
import { MidiFormatError, readInstruments } from "../midi/index.ts";
import { withRetry } from "../retry.ts";
import { recordedObjects, writeExtractionBatch } from "../store/extraction-writer.ts";
import { deferPrimaryKeyIfEmpty, INSTRUMENT_KEY, restorePrimaryKey } from "../store/deferred-primary-key.ts";
import type { FileOutcome } from "../store/file-outcome.ts";
import { inTransaction } from "../store/transaction.ts";
import { withPooledClient } from "../store/pooled-client.ts";
import { mapConcurrent } from "./map-concurrent.ts";
import { OutcomeBatcher } from "./outcome-batcher.ts";
import { retryHooksFor, type RunContext } from "./run-context.ts";
import { inShard } from "./shard.ts";

/** Counts of one extraction. */
export interface ExtractionSummary {
  objectsListed: number;
  objectsSkipped: number;
  objectsWritten: number;
  objectsQuarantined: number;
  /** Quarantined objects by "stage/reason", e.g. "parse/truncated". */
  quarantinedByReason: Record<string, number>;
  instrumentRows: number;
}

/**
 * Lists the shard's objects, skips those an earlier run already recorded,
 * downloads and reads the rest with bounded concurrency, and writes their
 * instruments (or quarantine entries) in transactional batches. A load into an
 * empty table builds its primary key at the end (see deferPrimaryKeyIfEmpty).
 */
export async function runExtraction(context: RunContext): Promise<ExtractionSummary> {
  const { config, metrics } = context;
  const summary: ExtractionSummary = {
    objectsListed: 0,
    objectsSkipped: 0,
    objectsWritten: 0,
    objectsQuarantined: 0,
    quarantinedByReason: {},
    instrumentRows: 0,
  };
  /** Objects to process again that the ledger already held when they were listed (changed, or their download failed). */
  const recordedWhenListed = new Set<string>();
  const batcher = new OutcomeBatcher(config.writeBatchFiles, async (batch) => {
    const unrecorded = batch.every((outcome) => !recordedWhenListed.has(outcome.key));
    const result = await metrics.timeStage("write-instruments", () =>
      inTransaction(
        context.pool,
        "write instruments",
        config.retry,
        (client, attempt) => writeExtractionBatch(client, context.runId, batch, { unrecorded: unrecorded && attempt === 1, commit: true }),
        retryHooksFor(context, "write-instruments"),
      ),
    );
    metrics.markWrite();
    metrics.objectsCommitted.inc(result.written + result.quarantined);
    metrics.rowsWritten.inc({ table: "filename_instrument" }, result.instrumentRows);
    summary.instrumentRows += result.instrumentRows;
    summary.objectsWritten += result.written;
    summary.objectsQuarantined += result.quarantined;
    for (const outcome of batch) {
      if (outcome.kind === "quarantined") {
        const label = `${outcome.stage}/${outcome.reason}`;
        summary.quarantinedByReason[label] = (summary.quarantinedByReason[label] ?? 0) + 1;
      }
    }
    context.emit({ type: "batch-written", step: "write-instruments", files: batch.length, rows: result.instrumentRows });
  });

  const keyHooks = retryHooksFor(context, "write-instruments");
  await inTransaction(context.pool, "defer the instrument key", config.retry, (client) => deferPrimaryKeyIfEmpty(client, INSTRUMENT_KEY), keyHooks);
  const pages = listObjects(context.s3, config.s3.bucket, config.s3.prefix, config.retry, retryHooksFor(context, "list"));
  for await (const page of pages) {
    const mine = page.filter((object) => inShard(object.key, config.shard));
    const todo = await objectsToProcess(context, mine, recordedWhenListed);
    summary.objectsListed += mine.length;
    summary.objectsSkipped += mine.length - todo.length;
    metrics.objectsListed.inc(mine.length);
    metrics.objectsSkipped.inc(mine.length - todo.length);
    context.emit({ type: "listed", objects: summary.objectsListed, toProcess: summary.objectsListed - summary.objectsSkipped });
    await mapConcurrent(todo, config.concurrency, async (object) => batcher.add(await processObject(context, object)));
  }
  await batcher.flush();
  await metrics.timeStage("write-instruments", () =>
    inTransaction(context.pool, "build the instrument key", config.retry, (client) => restorePrimaryKey(client, INSTRUMENT_KEY), keyHooks),
  );
  return summary;
}

/** Objects not yet recorded with their current ETag; download failures are always tried again. Adds those already in the ledger to `recordedWhenListed`. */
async function objectsToProcess(context: RunContext, objects: SourceObject[], recordedWhenListed: Set<string>): Promise<SourceObject[]> {
  if (objects.length === 0) return [];
  const recorded = await withRetry(
    "read the source-object ledger",
    context.config.retry,
    () =>
      withPooledClient(context.pool, (client) =>
        recordedObjects(
          client,
          objects.map((object) => object.key),
        ),
      ),
    retryHooksFor(context, "list"),
  );
  return objects.filter((object) => {
    const previous = recorded.get(object.key);
    if (!previous) return true;
    const again = previous.etag !== object.etag || (previous.outcome === "quarantined" && previous.stage === "download");
    if (again) recordedWhenListed.add(object.key);
    return again;
  });
}

async function processObject(context: RunContext, object: SourceObject): Promise<FileOutcome> {
  const { config, metrics } = context;
  let bytes: Uint8Array;
  let etag = object.etag;
  try {
    const downloaded = await metrics.timeStage("download", () =>
      downloadObject(context.s3, config.s3.bucket, object, config.requestTimeoutMs, config.retry, retryHooksFor(context, "download")),
    );
    bytes = downloaded.bytes;
    etag = downloaded.etag;
  } catch (error) {
    if (error instanceof OperationFailedError && !error.retryable) {
      return quarantine(context, object, etag, "download", `s3-${errorCode(error.cause)}`, describeError(error.cause));
    }
    throw error;
  }
  metrics.objectsDownloaded.inc();
  metrics.bytesDownloaded.inc(bytes.byteLength);
  const endParse = metrics.stageDuration.startTimer({ stage: "parse" });
  try {
    const instruments = readInstruments(bytes);
    metrics.objectsParsed.inc();
    return { kind: "written", key: object.key, etag, size: bytes.byteLength, instruments };
  } catch (error) {
    if (error instanceof MidiFormatError) return quarantine(context, object, etag, "parse", error.reason, error.message);
    return quarantine(context, object, etag, "parse", "parser-crash", describeError(error));
  } finally {
    endParse();
  }
}

function quarantine(context: RunContext, object: SourceObject, etag: string, stage: "download" | "parse", reason: string, detail: string): FileOutcome {
  context.metrics.objectsQuarantined.inc({ stage, reason });
  context.emit({ type: "quarantined", key: object.key, stage, reason });
  return { kind: "quarantined", key: object.key, etag, size: object.size, stage, reason, detail };
}

function errorCode(error: unknown): string {
  const fields = error as { name?: unknown; Code?: unknown; $metadata?: { httpStatusCode?: number } } | undefined;
  if (typeof fields?.Code === "string") return fields.Code;
  if (typeof fields?.name === "string" && fields.name !== "Error") return fields.name;
  return String(fields?.$metadata?.httpStatusCode ?? "error");
}
