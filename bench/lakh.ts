/**
 * `npm run bench:lakh`: the pipeline end to end on a synthetic corpus of Lakh size (176,581 songs by
 * default), whose sizes, instrument counts and drum share are drawn from the real files in
 * ../shared/midi. It estimates the disk the run needs and refuses when the temp dir lacks it,
 * streams the corpus into the embedded S3 server, runs both stages as N processes each (N = 1, 2),
 * checks every row count against the plan and every process's peak RSS against 2 GiB, and prints
 * Markdown tables: per stage time and rows/s, disk, and a projection for K workers.
 *
 *   node --import tsx bench/lakh.ts [--songs N] [--shards 1,2] [--workers 1,2,4,8,16] [--seed S] [--estimate-only]
 */
import { execFileSync } from "node:child_process";
import { readFileSync, statfsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { EmbeddedEnvironment, S3RVER_CREDENTIALS, type StartedEmbeddedEnvironment } from "../src/chaos/embedded/index.ts";
import { countSimilarPairs, DEFAULT_SIMILARITY_OPTIONS, pairsPerShard } from "../src/pipeline/similarity/index.ts";
import { uploadCorpus } from "./lakh/corpus-upload.ts";
import { estimateDisk, gib, refuseForDisk } from "./lakh/disk-estimate.ts";
import { diskTable, mib, PEAK_RSS_LIMIT_BYTES, projectionTable, rssViolations, stageTable, stepTable, type ShardedRunFigures } from "./lakh/lakh-report.ts";
import { describeProfile, readRealMidiProfile, REAL_MIDI_DIR } from "./lakh/real-midi-profile.ts";
import { planCorpus, plannedTokens } from "./lakh/song-plan.ts";
import { measureS3ReadRate } from "./lakh/s3-read-rate.ts";
import { runStage } from "./lakh/stage-processes.ts";
import { estimateRunMs } from "./lakh/time-estimate.ts";
import { projectWorkers } from "./lakh/worker-projection.ts";

/** The Lakh MIDI Dataset's number of files. */
const LAKH_SONGS = 176_581;
/** Objects read back to measure the S3 server's own rate. */
const S3_READ_SAMPLE = 500;

const USAGE = "usage: node --import tsx bench/lakh.ts [--songs N] [--shards 1,2] [--workers 1,2,4,8,16] [--seed S] [--real-midi DIR] [--estimate-only]";

const { values } = parseArgs({
  options: {
    songs: { type: "string", default: String(LAKH_SONGS) },
    shards: { type: "string", default: "1,2" },
    workers: { type: "string", default: "1,2,4,8,16,32" },
    seed: { type: "string", default: "1" },
    "real-midi": { type: "string", default: REAL_MIDI_DIR },
    "upload-concurrency": { type: "string", default: "16" },
    "estimate-only": { type: "boolean", default: false },
  },
});
const songs = positiveInteger(values.songs, "--songs");
const shardCounts = values.shards.split(",").map((text) => positiveInteger(text, "--shards"));
const workers = values.workers.split(",").map((text) => positiveInteger(text, "--workers"));
const seed = positiveInteger(values.seed, "--seed");
const uploadConcurrency = positiveInteger(values["upload-concurrency"], "--upload-concurrency");
const log = (line: string) => console.log(line);
// The SDK's Node-version notice says nothing about the bench; the pipeline children get the same.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const profile = await readRealMidiProfile(values["real-midi"]);
log(`profile: ${describeProfile(profile)}`);
const plan = planCorpus(profile, songs, seed);
const tokens = plannedTokens(plan.songs);
const count = countSimilarPairs(tokens, DEFAULT_SIMILARITY_OPTIONS);
// For the projection to Lakh size; counted now, as a niced process may wait long for the CPU, not while the servers are up.
const lakhPairs =
  songs === LAKH_SONGS ? count.pairs : countSimilarPairs(plannedTokens(planCorpus(profile, LAKH_SONGS, seed).songs), DEFAULT_SIMILARITY_OPTIONS).pairs;
log(
  `corpus: ${songs.toLocaleString("en")} songs (seed ${seed}), ${gib(plan.totalBytes)} of MIDI, ${plan.instrumentRows.toLocaleString("en")} instruments; ` +
    `${count.eligibleSongs.toLocaleString("en")} songs with >= ${DEFAULT_SIMILARITY_OPTIONS.minDistinctTokens} tokens in ${count.distinctSets.toLocaleString("en")} sets: ` +
    `${count.pairs.toLocaleString("en")} similar pairs (lsh, as the pipeline's default)`,
);

const estimate = estimateDisk({
  objectSizes: plan.songs.map((song) => song.bytes),
  instrumentRows: plan.instrumentRows,
  ledgerRows: songs,
  pairRows: count.pairs,
});
const dir = tmpdir();
const { bavail, bsize } = statfsSync(dir);
const available = bavail * bsize;
log(
  `disk needed: ${gib(estimate.totalBytes)} (S3 objects ${gib(estimate.s3Bytes)}, Postgres for one run ${gib(estimate.postgresBytes)}; each run's database is dropped before the next); ${dir} has ${gib(available)} free`,
);
const refusal = refuseForDisk(estimate, available, dir, songs);
if (refusal) {
  console.error(refusal);
  process.exit(2);
}
const estimatedMs = estimateRunMs({ songs, pairs: count.pairs, shardCounts });
log(`time needed (rates measured on this machine, quiet): about ${(estimatedMs / 60_000).toFixed(1)} min`);
if (values["estimate-only"]) process.exit(0);

const runs: ShardedRunFigures[] = [];
{
  await using env = await new EmbeddedEnvironment().withBucket("lakh").start();
  log(`seeding s3://${env.bucket} (${uploadConcurrency} uploads at a time, each file rendered just before its PUT)...`);
  const upload = await uploadCorpus(env.s3Client(), env.bucket, plan.songs, { concurrency: uploadConcurrency, onProgress: (n) => log(`  ${n} uploaded`) });
  if (upload.objects !== songs) throw new Error(`uploaded ${upload.objects} of ${songs} objects`);
  const readRate = await measureS3ReadRate(
    env.s3Client(),
    env.bucket,
    plan.songs.slice(0, S3_READ_SAMPLE).map((song) => song.key),
    8,
  );
  const s3Line =
    `s3rver alone: ${Math.round(readRate.objectsPerSecond)} GETs/s of whole objects, ${readRate.msPerObject.toFixed(1)} ms each, ` +
    `${readRate.concurrency} at a time (${readRate.objects} objects), to compare with the extraction's download step below`;
  log(s3Line);
  for (const shards of shardCounts) runs.push(await runSharded(env, shards));

  const violations = rssViolations(runs);
  log(
    `\n## Lakh-scale run: ${songs.toLocaleString("en")} songs, N = ${shardCounts.join(" and ")} processes per stage (${new Date().toISOString().slice(0, 10)})\n`,
  );
  log(stageTable(upload, runs));
  log(`\n${stepTable(runs, upload.bytes)}\n\n${s3Line}`);
  log(`\n${diskTable(estimate, runs)}`);
  log(
    violations.length === 0
      ? `\npeak RSS: every pipeline process stayed below ${mib(PEAK_RSS_LIMIT_BYTES)} (highest ${mib(Math.max(...runs.flatMap((run) => [...run.extract.processes, ...run.similarity.processes].map((p) => p.peakRssBytes))))})`
      : `\npeak RSS over the limit:\n${violations.join("\n")}`,
  );
  const measured = runs.map((run) => ({
    shards: run.shards,
    extract: run.extract.processes.map((p) => ({ objects: p.summary.extraction?.objectsWritten ?? 0, ms: p.summary.durationMs })),
    similarity: run.similarity.processes.map((p) => ({ ms: p.summary.durationMs, writeMs: 1000 * (p.steps["write-pairs"] ?? Number.NaN) })),
  }));
  const here = projectWorkers(measured, { songs, pairScale: 1 }, workers);
  log(
    `\nprojection for K workers (per-process extraction ${Math.round(here.extractObjectsPerSecond)} objects/s; similarity ` +
      `${(here.similarity.repeatedMs / 1000).toFixed(1)} s that every shard repeats (loading, search) + ${(here.similarity.divisibleMs / 1000).toFixed(1)} s of pair writes / K; ` +
      `in-process times, start-up excluded; assumes Postgres and S3 keep up):\n`,
  );
  log(projectionTable(here.projections, songs));
  if (songs !== LAKH_SONGS) {
    const lakh = projectWorkers(measured, { songs: LAKH_SONGS, pairScale: lakhPairs / count.pairs }, workers);
    log(`\nthe same, scaled to Lakh size (${lakhPairs.toLocaleString("en")} pairs in the plan; similarity taken as proportional to pairs):\n`);
    log(projectionTable(lakh.projections, LAKH_SONGS));
  }
  const figuresFile = `reports/lakh-${songs}.json`;
  await mkdir("reports", { recursive: true });
  await writeFile(figuresFile, JSON.stringify({ songs, seed, pairs: count.pairs, estimate, upload, readRate, runs }, null, 2));
  log(`\nevery measured figure: ${figuresFile}`);
  if (violations.length > 0) process.exitCode = 1;
}

/** Both stages with `shards` processes each, into a database of their own, checked against the plan and then dropped. */
async function runSharded(env: StartedEmbeddedEnvironment, shards: number): Promise<ShardedRunFigures> {
  const database = await env.createDatabase(`lakh-${songs}-n${shards}`);
  const target = { databaseUrl: database.url, s3Endpoint: env.s3.endpoint, bucket: env.bucket, ...S3RVER_CREDENTIALS };
  log(`N = ${shards}: extract...`);
  const extract = await runStage("extract", shards, target);
  log(`N = ${shards}: similarity (expected pairs per shard: ${pairsPerShard(tokens, DEFAULT_SIMILARITY_OPTIONS, shards).join(", ")})...`);
  const similarity = await runStage("similarity", shards, target);
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ instruments: string; objects: string; pairs: string }>(
      "SELECT (SELECT count(*) FROM filename_instrument) AS instruments, (SELECT count(*) FROM source_object WHERE outcome = 'written') AS objects, (SELECT count(*) FROM filepair_similarity_score) AS pairs",
    );
    const found = { instruments: Number(rows[0]!.instruments), objects: Number(rows[0]!.objects), pairs: Number(rows[0]!.pairs) };
    const expected = { instruments: plan.instrumentRows, objects: songs, pairs: count.pairs };
    if (JSON.stringify(found) !== JSON.stringify(expected)) {
      throw new Error(`N = ${shards}: the tables hold ${JSON.stringify(found)}, the plan says ${JSON.stringify(expected)}`);
    }
  } finally {
    await client.end();
  }
  const figures = { shards, extract, similarity, postgresDiskBytes: duBytes(env.postgres.dataDir), s3DiskBytes: duBytes(s3DataDir(env)) };
  const admin = new pg.Client({ connectionString: env.postgres.connectionUri() });
  await admin.connect();
  await admin.query(`DROP DATABASE ${pg.escapeIdentifier(database.name)} WITH (FORCE)`).finally(() => admin.end());
  log(`N = ${shards}: extract ${(extract.wallMs / 1000).toFixed(1)} s, similarity ${(similarity.wallMs / 1000).toFixed(1)} s; rows match the plan`);
  return figures;
}

/** s3rver's data directory is its second argument (see s3rver-main.mjs). */
function s3DataDir(env: StartedEmbeddedEnvironment): string {
  const argv = readFileSync(`/proc/${env.s3.pid}/cmdline`, "utf8").split("\0");
  const dir = argv[argv.length - 3];
  if (!dir) throw new Error(`cannot read s3rver's data directory from pid ${env.s3.pid}`);
  return dir;
}

function duBytes(path: string): number {
  return Number(execFileSync("du", ["-sk", path], { encoding: "utf8" }).split("\t")[0]) * 1024;
}

function positiveInteger(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) {
    console.error(`${flag} must be a positive integer, got ${JSON.stringify(text)}\n${USAGE}`);
    process.exit(2);
  }
  return value;
}
