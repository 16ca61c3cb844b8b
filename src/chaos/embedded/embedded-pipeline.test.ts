import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { generateSyntheticCorpus } from "../../../fixtures/synthetic/index.ts";
import { corruptMidiFiles } from "../../../fixtures/corrupt/index.ts";
import { PipelineMetrics, runPipeline, type PipelineConfigInput } from "../../pipeline/index.ts";
import { snapshotTables, type InstrumentRow } from "../integrity/index.ts";
import { bruteForcePairs } from "../testing/index.ts";
import { freshDatabaseUrl } from "./testing/index.ts";
import { EmbeddedEnvironment, type StartedEmbeddedEnvironment } from "./index.ts";

const SONGS = 240;
const corpus = generateSyntheticCorpus({ seed: 7, songs: SONGS }).map((song) => ({ ...song, key: `synthetic/${song.key}` }));
const expectedInstruments: InstrumentRow[] = corpus
  .flatMap((song) =>
    song.expected.map((instrument, instrumentIndex) => ({
      filename: song.key,
      instrumentIndex,
      track: instrument.track,
      channel: instrument.channel,
      program: instrument.program,
      isDrum: instrument.isDrum,
      name: instrument.name,
      noteCount: instrument.noteCount,
    })),
  )
  .sort((a, b) => Buffer.compare(Buffer.from(a.filename), Buffer.from(b.filename)) || a.instrumentIndex - b.instrumentIndex);

describe("the pipeline on the embedded environment", () => {
  let env: StartedEmbeddedEnvironment;

  beforeAll(async () => {
    env = await new EmbeddedEnvironment().start();
    await env.seed(corpus.map((song) => ({ key: song.key, body: song.bytes })));
  });

  afterAll(async () => {
    await env?.stop();
  });

  async function run(prefix: string, overrides: PipelineConfigInput = {}, databaseUrl?: string) {
    const url = databaseUrl ?? (await freshDatabaseUrl(env));
    const metrics = new PipelineMetrics();
    const summary = await runPipeline({ ...env.pipelineConfig(prefix), databaseUrl: url, ...overrides }, { metrics });
    return { url, summary, metrics };
  }

  it("writes exactly the expected instruments and every qualifying pair (exact mode)", async () => {
    const { url, summary } = await run("synthetic/", { similarity: { mode: "exact" } });
    const tables = await snapshotTables(url);
    expect(summary.extraction?.objectsWritten).toBe(SONGS);
    expect(tables.instruments).toEqual(expectedInstruments);
    const expectedPairs = bruteForcePairs(expectedInstruments);
    expect(expectedPairs.length).toBeGreaterThan(50);
    expect(tables.pairs).toEqual(expectedPairs);
    expect(tables.quarantined).toEqual([]);
  });

  it("with LSH stores only qualifying pairs with exact scores, and finds nearly all of them", async () => {
    const { url } = await run("synthetic/", { similarity: { mode: "lsh", bands: 10, rows: 1 } });
    const tables = await snapshotTables(url);
    const expected = bruteForcePairs(expectedInstruments);
    const byKey = new Map(expected.map((pair) => [`${pair.filenameA}\u0000${pair.filenameB}`, pair]));
    for (const pair of tables.pairs) expect(byKey.get(`${pair.filenameA}\u0000${pair.filenameB}`)).toEqual(pair);
    const recall = tables.pairs.length / expected.length;
    expect(recall).toBeGreaterThan(0.9);
  });

  it("quarantines corrupt and non-MIDI objects with their reason and still writes the good ones", async () => {
    const broken = corruptMidiFiles();
    await env.seed(broken.map((file) => ({ key: `mixed/bad/${file.name}`, body: file.bytes })));
    await env.seed(corpus.slice(0, 20).map((song) => ({ key: `mixed/good/${song.key}`, body: song.bytes })));
    const { url, summary, metrics } = await run("mixed/");
    const tables = await snapshotTables(url);
    expect(summary.extraction).toMatchObject({ objectsListed: broken.length + 20, objectsWritten: 20, objectsQuarantined: broken.length });
    expect(tables.quarantined.map((row) => row.key)).toEqual(broken.map((file) => `mixed/bad/${file.name}`).sort());
    for (const row of tables.quarantined) {
      expect(row.stage).toBe("parse");
      expect(row.reason).toMatch(/^[a-z0-9-]+$/);
    }
    const withNotes = corpus.slice(0, 20).filter((song) => song.expected.length > 0).length;
    expect(new Set(tables.instruments.map((row) => row.filename)).size).toBe(withNotes);
    expect(tables.recordedKeys).toHaveLength(broken.length + 20);
    const quarantinedMetric = await metrics.registry.getSingleMetricAsString("scale_objects_quarantined_total");
    expect(quarantinedMetric).toMatch(/stage="parse"/);
  });

  it("is idempotent: a second run over the same data reads nothing again and changes no row", async () => {
    const first = await run("synthetic/");
    const before = await snapshotTables(first.url);
    const second = await run("synthetic/", {}, first.url);
    expect(second.summary.extraction).toMatchObject({ objectsSkipped: SONGS, objectsWritten: 0 });
    expect(second.summary.similarity?.upToDate).toBe(true);
    expect(await snapshotTables(first.url)).toEqual(before);
  });

  it("round-trips awkward S3 keys into the tables exactly", async () => {
    const template = corpus.find((song) => song.expected.length >= 3)!;
    const longKey = `odd/long/${"k".repeat(200)}/${"é".repeat(100)}/${"x".repeat(200)}/${"y".repeat(200)}/`;
    const keys = [
      `odd/it's "quoted".mid`,
      "odd/with space and\ttab.mid",
      "odd/ünïcödé/曲 🎵.mid",
      "odd/'; DROP TABLE filename_instrument; --.mid",
      "odd/back\\slash,comma.mid",
      `${longKey}${"z".repeat(1024 - Buffer.byteLength(longKey) - 4)}.mid`,
    ];
    expect(Buffer.byteLength(keys[5]!)).toBe(1024);
    await env.seed(keys.map((key) => ({ key, body: template.bytes })));
    const { url } = await run("odd/");
    const tables = await snapshotTables(url);
    expect([...new Set(tables.instruments.map((row) => row.filename))]).toEqual([...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    const expectedPairs = bruteForcePairs(tables.instruments);
    expect(tables.pairs).toEqual(expectedPairs);
    expect(tables.pairs).toHaveLength((keys.length * (keys.length - 1)) / 2);
  });

  it("records the run in its ledger and exports its metrics", async () => {
    const { url, summary, metrics } = await run("synthetic/");
    const client = new pg.Client(url);
    await client.connect();
    const { rows } = await client.query("SELECT status, summary FROM pipeline_run WHERE run_id = $1", [summary.runId]);
    await client.end();
    expect(rows[0]?.status).toBe("completed");
    const text = await metrics.registry.metrics();
    expect(text).toMatch(new RegExp(`scale_objects_parsed_total ${SONGS}\\b`));
    expect(text).toMatch(/scale_rows_written_total\{table="filename_instrument"\} \d+/);
    expect(text).toMatch(/scale_last_successful_write_timestamp_seconds \d+/);
    expect(text).toMatch(/scale_stage_duration_seconds_count\{stage="extract"\} 1\n/);
    // One observation per stage, whatever its batches: each batch's pair search has its own label.
    expect(text).toMatch(/scale_stage_duration_seconds_count\{stage="similarity"\} 1\n/);
    expect(text).toMatch(/scale_stage_duration_seconds_count\{stage="search-pairs"\} [1-9]\d*\n/);
  });
});
