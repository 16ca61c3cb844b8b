// Rows per second the pipeline's transactional writers commit, against a raw
// COPY of the same rows into the same table (the ceiling), in one run, for
// both tables: instruments (with the source-object ledger) and similar pairs
// (with the checkpoint). Both sides start from rows in memory and use the same
// binary encoder; both end with the table's primary key in place (the raw COPY
// maintains it row by row, the writers build it after a first load). A second
// ceiling takes the writers' own index strategy: one raw COPY into the table
// without its key, then the key built once; both ratios are printed.
// Run: node --import tsx bench/write-throughput.ts [files] [rounds]
import pg from "pg";
import { PostgresServer } from "../src/chaos/embedded/index.ts";
import { DEFAULT_RETRY_POLICY, DEFAULT_SIMILARITY_OPTIONS, migrate, similarPairBatches } from "../src/pipeline/index.ts";
import { DEFAULT_WRITE_BATCH_FILES } from "../src/pipeline/config.ts";
import { OutcomeBatcher } from "../src/pipeline/run/outcome-batcher.ts";
import type { PairBatch } from "../src/pipeline/similarity/index.ts";
import { DEFAULT_CORPUS_SHAPE, syntheticCorpus } from "../src/pipeline/similarity/synthetic-corpus.ts";
import { copyIn } from "../src/pipeline/store/copy-in.ts";
import { deferPrimaryKeyIfEmpty, INSTRUMENT_KEY, PAIR_KEY, restorePrimaryKey, type PrimaryKey } from "../src/pipeline/store/deferred-primary-key.ts";
import { INSTRUMENT_COLUMNS, instrumentPayload, writeExtractionBatch } from "../src/pipeline/store/extraction-writer.ts";
import type { FileOutcome } from "../src/pipeline/store/file-outcome.ts";
import { PAIR_COLUMNS, pairPayload, writePairBatch } from "../src/pipeline/store/pair-writer.ts";
import { claimSimilarityProgress, completeSimilarityProgress, type SimilarityCheckpoint } from "../src/pipeline/store/similarity-progress.ts";
import { inTransaction } from "../src/pipeline/store/transaction.ts";

/** One table's figures: the best of `rounds` runs of each side, taken in turn. */
export interface TableThroughput {
  rows: number;
  pipelineRowsPerSecond: number;
  rawCopyRowsPerSecond: number;
  /** Writer over raw COPY into the keyed table. */
  ratio: number;
  /** Raw COPY into the table without its key, plus building the key once afterwards. */
  deferredKeyCopyRowsPerSecond: number;
  /** Writer over that: the same index strategy on both sides. */
  deferredKeyRatio: number;
}

export interface WriteThroughputResult {
  rounds: number;
  instruments: TableThroughput;
  pairs: TableThroughput;
}

/** The pipeline's defaults: `writeBatchFiles` and `similarity.batchSize`. */
const BATCH_FILES = DEFAULT_WRITE_BATCH_FILES;
const PAIR_BATCH = DEFAULT_SIMILARITY_OPTIONS.batchSize;
const RUN_ID = "00000000-0000-0000-0000-000000000000";
/** A single process's checkpoint: shard 0 of 1. */
const CHECKPOINT: SimilarityCheckpoint = { inputFingerprint: "bench", fingerprint: "bench 0 of 1", shardIndex: 0, shardCount: 1 };

export async function measureWriteThroughput(files = 20_000, rounds = 3): Promise<WriteThroughputResult> {
  await using server = await PostgresServer.start();
  await server.createDatabase("bench");
  const pool = new pg.Pool({ connectionString: server.connectionUri("bench"), max: 4 });
  pool.on("error", () => undefined); // idle clients cut when the server stops
  try {
    const client = await pool.connect();
    try {
      await migrate(client);
    } finally {
      client.release();
    }
    const outcomes = syntheticOutcomes(files);
    const batches = syntheticPairBatches(files * 5);
    const instruments = await measureTable(pool, rounds, INSTRUMENT_KEY, {
      raw: (client) => copyIn(client, `COPY filename_instrument (${INSTRUMENT_COLUMNS}) FROM STDIN (FORMAT binary)`, [instrumentPayload(outcomes).finish()]),
      writer: async () => {
        await inTransaction(pool, "defer", DEFAULT_RETRY_POLICY, (client) => deferPrimaryKeyIfEmpty(client, INSTRUMENT_KEY));
        const batcher = new OutcomeBatcher(BATCH_FILES, async (batch) => {
          await inTransaction(pool, "write instruments", DEFAULT_RETRY_POLICY, (client, attempt) =>
            writeExtractionBatch(client, RUN_ID, batch, { unrecorded: attempt === 1, commit: true }),
          );
        });
        for (const outcome of outcomes) await batcher.add(outcome);
        await batcher.flush();
        await inTransaction(pool, "build key", DEFAULT_RETRY_POLICY, (client) => restorePrimaryKey(client, INSTRUMENT_KEY));
      },
      reset: "TRUNCATE filename_instrument, source_object",
    });
    const pairs = await measureTable(pool, rounds, PAIR_KEY, {
      raw: (client) =>
        copyIn(client, `COPY filepair_similarity_score (${PAIR_COLUMNS}) FROM STDIN (FORMAT binary)`, [pairPayload(batches.flatMap((batch) => batch.pairs))]),
      writer: async () => {
        await inTransaction(pool, "claim", DEFAULT_RETRY_POLICY, (client) => claimSimilarityProgress(client, CHECKPOINT));
        for (const batch of batches)
          await inTransaction(pool, "write pairs", DEFAULT_RETRY_POLICY, (client) => writePairBatch(client, CHECKPOINT.fingerprint, batch));
        await inTransaction(pool, "complete", DEFAULT_RETRY_POLICY, (client) => completeSimilarityProgress(client, CHECKPOINT.fingerprint));
      },
      reset: "TRUNCATE filepair_similarity_score, similarity_progress",
    });
    return { rounds, instruments, pairs };
  } finally {
    await pool.end();
  }
}

interface TableSides {
  /** The ceiling: every row in one COPY, in one transaction. */
  raw: (client: pg.PoolClient) => Promise<unknown>;
  /** The pipeline's writer, batch by batch, each batch in its own transaction. */
  writer: () => Promise<void>;
  reset: string;
}

async function measureTable(pool: pg.Pool, rounds: number, key: PrimaryKey, sides: TableSides): Promise<TableThroughput> {
  const { table } = key;
  let rows = 0;
  let rawSeconds = Infinity;
  let deferredSeconds = Infinity;
  let pipelineSeconds = Infinity;
  for (let round = 0; round < rounds; round++) {
    await pool.query(sides.reset);
    const rawStarted = performance.now();
    await inTransaction(pool, "raw copy", DEFAULT_RETRY_POLICY, sides.raw);
    rawSeconds = Math.min(rawSeconds, (performance.now() - rawStarted) / 1000);
    rows = await verify(pool, table);

    // The writers' strategy with nothing else: drop the key, one COPY, build the key (each its own transaction, as the writers do).
    await pool.query(sides.reset);
    const deferredStarted = performance.now();
    if (!(await inTransaction(pool, "drop key", DEFAULT_RETRY_POLICY, (client) => deferPrimaryKeyIfEmpty(client, key))))
      throw new Error(`${table}: the key was not dropped`);
    await inTransaction(pool, "raw copy without key", DEFAULT_RETRY_POLICY, sides.raw);
    await inTransaction(pool, "build key", DEFAULT_RETRY_POLICY, (client) => restorePrimaryKey(client, key));
    deferredSeconds = Math.min(deferredSeconds, (performance.now() - deferredStarted) / 1000);
    const copied = await verify(pool, table);
    if (copied !== rows) throw new Error(`${table}: the raw COPY without the key left ${copied} rows, with it ${rows}`);

    await pool.query(sides.reset);
    const pipelineStarted = performance.now();
    await sides.writer();
    pipelineSeconds = Math.min(pipelineSeconds, (performance.now() - pipelineStarted) / 1000);
    const written = await verify(pool, table);
    if (written !== rows) throw new Error(`${table}: the writer left ${written} rows, the raw COPY ${rows}`);
  }
  return {
    rows,
    pipelineRowsPerSecond: rows / pipelineSeconds,
    rawCopyRowsPerSecond: rows / rawSeconds,
    ratio: rawSeconds / pipelineSeconds,
    deferredKeyCopyRowsPerSecond: rows / deferredSeconds,
    deferredKeyRatio: deferredSeconds / pipelineSeconds,
  };
}

/** Row count, once the table's primary key is in place: both sides must end with the same table. */
async function verify(pool: pg.Pool, table: string): Promise<number> {
  const { rows } = await pool.query<{ n: string; keyed: boolean }>(
    `SELECT (SELECT count(*) FROM ${table}) AS n, EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p') AS keyed`,
    [table],
  );
  if (!rows[0]?.keyed) throw new Error(`${table} ended without its primary key`);
  return Number(rows[0].n);
}

function syntheticOutcomes(files: number): FileOutcome[] {
  return Array.from({ length: files }, (_, f) => ({
    kind: "written" as const,
    key: `bench/song-${f}.mid`,
    etag: f.toString(16).padStart(32, "0"),
    size: 10_000,
    instruments: Array.from({ length: 5 }, (_, i) => ({
      track: i,
      channel: i === 4 ? 9 : i,
      program: (f * 7 + i * 13) % 128,
      isDrum: i === 4,
      name: "Acoustic Grand Piano",
      noteCount: 100 + i,
    })),
  }));
}

/** The first `pairs` pairs the similarity step finds on a synthetic corpus, in its batches and order. */
function syntheticPairBatches(pairs: number): PairBatch[] {
  const songs = syntheticCorpus({ ...DEFAULT_CORPUS_SHAPE, songs: 20_000 });
  const batches: PairBatch[] = [];
  let count = 0;
  for (const batch of similarPairBatches(songs, DEFAULT_SIMILARITY_OPTIONS)) {
    if (count >= pairs) break;
    batches.push(batch);
    count += batch.pairs.length;
  }
  return batches;
}

export function formatWriteThroughput(result: WriteThroughputResult): string {
  const table = (title: string, figures: TableThroughput) => [
    `  ${title}:`,
    `    pipeline writer : ${Math.round(figures.pipelineRowsPerSecond).toLocaleString("en")} rows/s`,
    `    raw COPY ceiling: ${Math.round(figures.rawCopyRowsPerSecond).toLocaleString("en")} rows/s`,
    `    raw COPY without key + key built once: ${Math.round(figures.deferredKeyCopyRowsPerSecond).toLocaleString("en")} rows/s`,
    `    ratio pipeline/ceiling: ${figures.ratio.toFixed(2)} (against the same index strategy: ${figures.deferredKeyRatio.toFixed(2)})`,
  ];
  return [
    `write throughput (best of ${result.rounds} per side; raw COPY = all rows in one COPY into the same table, primary key in place):`,
    ...table(
      `${result.instruments.rows.toLocaleString("en")} instrument rows, ${BATCH_FILES} files per transaction with ledger, key built after a first load`,
      result.instruments,
    ),
    ...table(
      `${result.pairs.rows.toLocaleString("en")} pair rows, ${PAIR_BATCH.toLocaleString("en")} per transaction with checkpoint, key built after a first load`,
      result.pairs,
    ),
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = Number(process.argv[2] ?? 20_000);
  const rounds = Number(process.argv[3] ?? 3);
  console.log(formatWriteThroughput(await measureWriteThroughput(files, rounds)));
}
