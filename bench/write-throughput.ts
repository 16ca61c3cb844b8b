// Rows per second the pipeline's transactional writer commits, against a raw
// COPY of the same rows into the same table (the ceiling), in one run.
// Run: node --import tsx bench/write-throughput.ts [files]
import pg from "pg";
import { PostgresServer } from "../src/chaos/embedded/index.ts";
import { migrate } from "../src/pipeline/index.ts";
import { copyRows } from "../src/pipeline/store/copy-rows.ts";
import { writeExtractionBatch } from "../src/pipeline/store/extraction-writer.ts";
import type { FileOutcome } from "../src/pipeline/store/file-outcome.ts";

export interface WriteThroughputResult {
  rows: number;
  pipelineRowsPerSecond: number;
  rawCopyRowsPerSecond: number;
  ratio: number;
}

const BATCH_FILES = 100;

export async function measureWriteThroughput(files = 20_000): Promise<WriteThroughputResult> {
  await using server = await PostgresServer.start();
  await server.createDatabase("bench");
  const client = new pg.Client(server.connectionUri("bench"));
  await client.connect();
  try {
    await migrate(client);
    const outcomes = syntheticOutcomes(files);
    const rows = outcomes.reduce((sum, outcome) => sum + (outcome.kind === "written" ? outcome.instruments.length : 0), 0);

    const rawStarted = performance.now();
    await client.query("BEGIN");
    await copyRows(
      client,
      "filename_instrument",
      ["filename", "instrument_index", "track", "channel", "program", "is_drum", "instrument_name", "note_count"],
      (function* () {
        for (const outcome of outcomes) {
          if (outcome.kind !== "written") continue;
          for (const [index, i] of outcome.instruments.entries()) yield [outcome.key, index, i.track, i.channel, i.program, i.isDrum, i.name, i.noteCount];
        }
      })(),
    );
    await client.query("COMMIT");
    const rawSeconds = (performance.now() - rawStarted) / 1000;
    await client.query("TRUNCATE filename_instrument");

    const pipelineStarted = performance.now();
    for (let start = 0; start < outcomes.length; start += BATCH_FILES) {
      await client.query("BEGIN");
      await writeExtractionBatch(client, "00000000-0000-0000-0000-000000000000", outcomes.slice(start, start + BATCH_FILES));
      await client.query("COMMIT");
    }
    const pipelineSeconds = (performance.now() - pipelineStarted) / 1000;
    const { rows: check } = await client.query<{ n: string }>("SELECT count(*) AS n FROM filename_instrument");
    if (Number(check[0]?.n) !== rows) throw new Error(`expected ${rows} rows, found ${check[0]?.n}`);

    const result = { rows, pipelineRowsPerSecond: rows / pipelineSeconds, rawCopyRowsPerSecond: rows / rawSeconds, ratio: rawSeconds / pipelineSeconds };
    return result;
  } finally {
    await client.end();
  }
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

export function formatWriteThroughput(result: WriteThroughputResult): string {
  return [
    `write throughput (${result.rows} instrument rows, ${BATCH_FILES} files per transaction with ledger):`,
    `  pipeline writer : ${Math.round(result.pipelineRowsPerSecond).toLocaleString("en")} rows/s`,
    `  raw COPY ceiling: ${Math.round(result.rawCopyRowsPerSecond).toLocaleString("en")} rows/s`,
    `  ratio pipeline/ceiling: ${result.ratio.toFixed(2)}`,
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = Number(process.argv[2] ?? 20_000);
  console.log(formatWriteThroughput(await measureWriteThroughput(files)));
}
