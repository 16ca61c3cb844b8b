import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handMadeCorruptCases } from "../../fixtures/corrupt/index.ts";
import { generateSyntheticCorpus } from "../../fixtures/synthetic/index.ts";
import { EmbeddedEnvironment, S3RVER_CREDENTIALS, type StartedEmbeddedEnvironment } from "../chaos/embedded/index.ts";
import { snapshotTables } from "../chaos/integrity/index.ts";
import { freshDatabaseUrl } from "../chaos/embedded/testing/index.ts";
import type { PipelineSummary } from "../pipeline/index.ts";
import { waitFor } from "../chaos/core/index.ts";

const CLI = fileURLToPath(new URL("../../bin/chaos-control.mjs", import.meta.url));
const PREFIX = "shards/";
const SHARD_COUNT = 3;

/** Songs (many of them similar, so there are pairs to find) and files that must be quarantined, spread over the shards by key. */
const corpus = [
  ...generateSyntheticCorpus({ seed: 29, songs: 90 }).map((song) => ({ key: `${PREFIX}songs/${song.key}`, body: song.bytes })),
  ...handMadeCorruptCases().map((file) => ({ key: `${PREFIX}corrupt/${file.key}`, body: file.bytes })),
];

interface CliRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/**
 * Extraction as a Kubernetes Indexed Job runs it: three processes at once,
 * each told its shard only through JOB_COMPLETION_INDEX and SHARD_COUNT, then
 * one similarity process; the tables must equal those of a single process.
 */
describe("extraction sharded over three processes, then one similarity process", () => {
  let env: StartedEmbeddedEnvironment;
  let goldenUrl: string;
  const children = new Set<ChildProcess>();

  beforeAll(async () => {
    env = await new EmbeddedEnvironment().start();
    await env.seed(corpus);
    goldenUrl = await freshDatabaseUrl(env, "single");
    const single = runCli(goldenUrl, []);
    expect(await single.exit, single.stderr()).toBe(0);
  }, 120_000);

  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
    await env?.stop();
  });

  function runCli(databaseUrl: string, args: string[], extraEnv: Record<string, string> = {}): CliRun {
    const child = spawn(
      process.execPath,
      [CLI, "pipeline", "--database-url", databaseUrl, "--s3-endpoint", env.s3.endpoint, "--bucket", env.bucket, "--prefix", PREFIX, "--json", ...args],
      {
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          ...withoutShardVariables(process.env),
          AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
          CI: "1",
          ...extraEnv,
        },
      },
    );
    children.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exit = new Promise<number | null>((resolve) =>
      child.once("exit", (code) => {
        children.delete(child);
        resolve(code);
      }),
    );
    return { child, stdout: () => stdout, stderr: () => stderr, exit };
  }

  it("leaves the same tables as one process, every key extracted by exactly one shard", async () => {
    const url = await freshDatabaseUrl(env, "sharded");
    const shards = Array.from({ length: SHARD_COUNT }, (_, index) =>
      runCli(url, ["--stages", "extract"], { JOB_COMPLETION_INDEX: String(index), SHARD_COUNT: String(SHARD_COUNT) }),
    );
    const codes = await Promise.all(shards.map((shard) => shard.exit));
    expect(codes, shards.map((shard) => shard.stderr()).join("\n")).toEqual([0, 0, 0]);

    const summaries = shards.map((shard) => JSON.parse(shard.stdout()) as PipelineSummary);
    const listed = summaries.map((summary) => summary.extraction?.objectsListed ?? 0);
    for (const count of listed) expect(count).toBeGreaterThan(0);
    expect(listed.reduce((a, b) => a + b, 0)).toBe(corpus.length);
    for (const summary of summaries) expect(summary.similarity).toBeUndefined();
    expect(await shardsRecorded(url)).toEqual([0, 1, 2].map((index) => ({ shard_index: index, shard_count: SHARD_COUNT, status: "completed" })));

    const golden = await snapshotTables(goldenUrl);
    const extracted = await snapshotTables(url);
    expect(extracted.pairs).toEqual([]);
    expect({ ...extracted, pairs: golden.pairs }).toEqual(golden);

    // The similarity process keeps its metrics up after the run, as the pod does for the last scrape.
    const similarity = runCli(url, ["--stages", "similarity", "--metrics-port", "0", "--metrics-linger-seconds", "60"]);
    const metricsUrl = await waitFor(async () => /metrics at (\S+)/.exec(similarity.stderr())?.[1], {
      description: "the similarity process to serve its metrics",
      timeoutMs: 30_000,
      intervalMs: 20,
    });
    const summary = await waitFor(async () => JSON.parse(similarity.stdout()) as PipelineSummary, {
      description: "the similarity process to print its summary",
      timeoutMs: 60_000,
      intervalMs: 20,
    });
    expect(summary.extraction).toBeUndefined();
    expect(summary.similarity).toBeDefined();
    const exposition = await (await fetch(metricsUrl)).text();
    expect(exposition).toMatch(/^scale_runs_finished_total\{status="completed"\} 1$/m);
    similarity.child.kill("SIGTERM");
    expect(await similarity.exit, similarity.stderr()).toBe(0);

    expect(await snapshotTables(url)).toEqual(golden);
    expect(golden.pairs.length).toBeGreaterThan(0);
    expect(golden.quarantined.length).toBeGreaterThan(0);
  }, 180_000);
});

function withoutShardVariables(environment: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { JOB_COMPLETION_INDEX: _index, SHARD_COUNT: _count, ...rest } = environment;
  return rest;
}

async function shardsRecorded(databaseUrl: string): Promise<Array<{ shard_index: number; shard_count: number; status: string }>> {
  const client = new pg.Client(databaseUrl);
  await client.connect();
  try {
    const { rows } = await client.query<{ shard_index: number; shard_count: number; status: string }>(
      "SELECT shard_index, shard_count, status FROM pipeline_run ORDER BY shard_index",
    );
    return rows;
  } finally {
    await client.end();
  }
}
