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
/** Small batches: several commits per shard, each advancing its own checkpoint. */
const PAIR_BATCH_SIZE = 3;

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
 * The similarity stage as a Kubernetes Indexed Job runs it, each process told
 * its shard only through JOB_COMPLETION_INDEX and SHARD_COUNT, while the
 * layout changes under it: shards after a single process, a single process
 * after shards. Both stages run as shards at once, one of them killed and
 * started again, in the chaos scenario scenarios/similarity-shard-killed.test.ts.
 */
describe("similarity shards across layouts", () => {
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
    const child = spawn(process.execPath, [CLI, "pipeline", "--s3-endpoint", env.s3.endpoint, "--bucket", env.bucket, "--prefix", PREFIX, "--json", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...withoutShardVariables(process.env),
        // The URL holds the server's password: through the environment, never on the command line.
        DATABASE_URL: databaseUrl,
        AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
        CI: "1",
        ...extraEnv,
      },
    });
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

  /** Each shard's sessions carry its name (libpq's PGAPPNAME), so pg_stat_activity tells whose backend waits where. */
  const similarityShard = (url: string, index: number, count: number, args: string[] = []): CliRun =>
    runCli(url, ["--stages", "similarity", "--pair-batch-size", String(PAIR_BATCH_SIZE), ...args], {
      JOB_COMPLETION_INDEX: String(index),
      SHARD_COUNT: String(count),
      PGAPPNAME: shardApplicationName(index),
    });

  it("lets a new shard count take the pairs over as a whole, and a single process take them back", async () => {
    const golden = await snapshotTables(goldenUrl);
    const url = await freshDatabaseUrl(env, "layouts");
    const single = runCli(url, []);
    expect(await single.exit, single.stderr()).toBe(0);
    expect(await snapshotTables(url)).toEqual(golden);

    // Shard 0 of 2 clears the single process's pairs and checkpoint before it writes its own part, and keeps its
    // metrics up after the run, as its pod does for the last scrape, until it is told to stop.
    const first = similarityShard(url, 0, 2, ["--metrics-port", "0", "--metrics-linger-seconds", "60"]);
    await expectLastScrape(first);
    expect(await first.exit, first.stderr()).toBe(0);
    const part = await snapshotTables(url);
    expect(part.pairs.length).toBeGreaterThan(0);
    expect(part.pairs.length).toBeLessThan(golden.pairs.length);
    expect(golden.pairs).toEqual(expect.arrayContaining(part.pairs));
    expect(await progressOf(url)).toEqual([{ shard_index: 0, shard_count: 2, completed: true }]);
    expect(await keyedAt(url, "filepair_similarity_score")).toBe(false);

    // Shard 1 of the same layout leaves shard 0's pairs alone and adds the rest.
    const second = similarityShard(url, 1, 2);
    expect(await second.exit, second.stderr()).toBe(0);
    expect(await snapshotTables(url)).toEqual(golden);
    expect(await progressOf(url)).toEqual([0, 1].map((index) => ({ shard_index: index, shard_count: 2, completed: true })));
    expect(await keyedAt(url, "filepair_similarity_score")).toBe(true);

    // Each is up to date now; a single process (shard 0 of 1) is another layout, and rewrites every pair.
    const again = similarityShard(url, 1, 2);
    expect(await again.exit, again.stderr()).toBe(0);
    expect((JSON.parse(again.stdout()) as PipelineSummary).similarity).toMatchObject({ upToDate: true, pairsWritten: 0 });
    const back = runCli(url, ["--stages", "similarity", "--pair-batch-size", String(PAIR_BATCH_SIZE)]);
    expect(await back.exit, back.stderr()).toBe(0);
    expect((JSON.parse(back.stdout()) as PipelineSummary).similarity?.pairsWritten).toBe(golden.pairs.length);
    expect(await snapshotTables(url)).toEqual(golden);
    expect(await progressOf(url)).toEqual([{ shard_index: 0, shard_count: 1, completed: true }]);
    expect(await keyedAt(url, "filepair_similarity_score")).toBe(true);
  }, 180_000);

  /** Its summary printed, the shard still serves its metrics (a completed run counted), then exits 0 on SIGTERM. */
  async function expectLastScrape(shard: CliRun): Promise<void> {
    const metricsUrl = await waitFor(async () => /metrics at (\S+)/.exec(shard.stderr())?.[1], {
      description: "the shard to serve its metrics",
      timeoutMs: 30_000,
      intervalMs: 20,
    });
    const summary = await waitFor(async () => JSON.parse(shard.stdout()) as PipelineSummary, {
      description: "the shard to print its summary",
      timeoutMs: 60_000,
      intervalMs: 20,
    });
    expect(summary.extraction).toBeUndefined();
    expect(summary.similarity?.shard).toEqual({ index: 0, count: 2 });
    expect(await (await fetch(metricsUrl)).text()).toMatch(/^scale_runs_finished_total\{status="completed"\} 1$/m);
    shard.child.kill("SIGTERM");
  }
});

interface ProgressRow {
  shard_index: number;
  shard_count: number;
  completed: boolean;
}

async function progressOf(databaseUrl: string): Promise<ProgressRow[]> {
  const client = new pg.Client(databaseUrl);
  await client.connect();
  try {
    const { rows } = await client.query<ProgressRow>("SELECT shard_index, shard_count, completed FROM similarity_progress ORDER BY shard_index");
    return rows;
  } finally {
    await client.end();
  }
}

/** Whether `table` has its primary key: a first load drops it and builds it once the load is done. */
async function keyed(client: pg.Client, table: string): Promise<boolean> {
  const { rows } = await client.query<{ keyed: boolean }>(
    "SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p') AS keyed",
    [table],
  );
  return rows[0]!.keyed;
}

async function keyedAt(databaseUrl: string, table: string): Promise<boolean> {
  const client = new pg.Client(databaseUrl);
  await client.connect();
  try {
    return await keyed(client, table);
  } finally {
    await client.end();
  }
}

function withoutShardVariables(environment: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { JOB_COMPLETION_INDEX: _index, SHARD_COUNT: _count, ...rest } = environment;
  return rest;
}

function shardApplicationName(index: number): string {
  return `similarity-shard-${index}`;
}
