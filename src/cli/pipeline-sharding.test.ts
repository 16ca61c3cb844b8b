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
/** Small batches: many commits per shard, so a shard can be killed between its first and its last. */
const PAIR_BATCH_SIZE = 3;
/** The similarity shard killed mid-write and resumed. */
const VICTIM = 1;

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
 * Both stages as Kubernetes Indexed Jobs run them: three extraction processes
 * at once, each told its shard only through JOB_COMPLETION_INDEX and
 * SHARD_COUNT, then three similarity processes at once, one of them killed
 * mid-write and started again. The tables must equal those of a single process.
 */
describe("both stages sharded over three processes each", () => {
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

  /** Each shard's sessions carry its name (libpq's PGAPPNAME), so pg_stat_activity tells whose backend waits where. */
  const similarityShard = (url: string, index: number, count: number, args: string[] = []): CliRun =>
    runCli(url, ["--stages", "similarity", "--pair-batch-size", String(PAIR_BATCH_SIZE), ...args], {
      JOB_COMPLETION_INDEX: String(index),
      SHARD_COUNT: String(count),
      PGAPPNAME: shardApplicationName(index),
    });

  it("leaves the same tables as one process, every key extracted and every pair written by exactly one shard, a killed shard resumed", async () => {
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
    expect(await keyedAt(url, "filename_instrument")).toBe(true);

    const golden = await snapshotTables(goldenUrl);
    const extracted = await snapshotTables(url);
    expect(extracted.pairs).toEqual([]);
    expect({ ...extracted, pairs: golden.pairs }).toEqual(golden);
    expect(golden.pairs.length).toBeGreaterThan(100);
    expect(golden.quarantined.length).toBeGreaterThan(0);

    // Shard 0 keeps its metrics up after the run, as the pod does for the last scrape.
    const similarity = [
      similarityShard(url, 0, SHARD_COUNT, ["--metrics-port", "0", "--metrics-linger-seconds", "60"]),
      ...[1, 2].map((index) => similarityShard(url, index, SHARD_COUNT)),
    ];
    const victim = similarity[VICTIM]!;

    // Once the victim has committed a batch, hold every pair write: each live shard then waits inside its COPY.
    const watcher = new pg.Client(url);
    await watcher.connect();
    try {
      const killedAt = await killMidWrite(watcher, victim, new pg.Client(url));
      await finishAndResume(url, watcher, similarity, killedAt);
    } finally {
      await watcher.end();
    }
    expect(await snapshotTables(url)).toEqual(golden);
  }, 240_000);

  /** Waits for the victim's first commit, holds every pair write until the victim waits inside its next COPY, then SIGKILLs it there. */
  async function killMidWrite(watcher: pg.Client, victim: CliRun, blocker: pg.Client): Promise<ProgressRow> {
    await blocker.connect();
    try {
      await waitFor(async () => (await progress(watcher)).find((row) => row.shard_index === VICTIM && row.last_seq >= 1), {
        description: "the victim shard to commit its first batch",
        timeoutMs: 60_000,
        intervalMs: 5,
      });
      await blocker.query("BEGIN");
      await blocker.query("LOCK TABLE filepair_similarity_score IN SHARE MODE");
      await waitFor(
        async () => {
          const { rows: waiting } = await watcher.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE datname = current_database() AND application_name = $1 AND wait_event_type = 'Lock' AND query LIKE 'COPY filepair_similarity_score%'`,
            [shardApplicationName(VICTIM)],
          );
          return waiting[0]!.n > 0;
        },
        { description: "the victim shard to wait inside its COPY", timeoutMs: 60_000, intervalMs: 10 },
      );
      const before = (await progress(watcher)).find((row) => row.shard_index === VICTIM)!;
      expect(before.completed, "the victim finished before it could be killed: raise the corpus or lower the batch size").toBe(false);
      victim.child.kill("SIGKILL");
      await victim.exit;
      expect(victim.child.signalCode).toBe("SIGKILL");
      const killedAt = (await progress(watcher)).find((row) => row.shard_index === VICTIM)!;
      expect(killedAt.last_seq).toBe(before.last_seq);
      return killedAt;
    } finally {
      await blocker.query("ROLLBACK").catch(() => undefined);
      await blocker.end();
    }
  }

  /** Lets the other shards finish (shard 0 serving its metrics meanwhile), then runs the victim again. */
  async function finishAndResume(url: string, watcher: pg.Client, similarity: CliRun[], killedAt: ProgressRow): Promise<void> {
    const golden = await snapshotTables(goldenUrl);
    const [lingering, other] = [similarity[0]!, similarity[2]!];
    expect(await other.exit, other.stderr()).toBe(0);
    const metricsUrl = await waitFor(async () => /metrics at (\S+)/.exec(lingering.stderr())?.[1], {
      description: "shard 0 to serve its metrics",
      timeoutMs: 30_000,
      intervalMs: 20,
    });
    const summary = await waitFor(async () => JSON.parse(lingering.stdout()) as PipelineSummary, {
      description: "shard 0 to print its summary",
      timeoutMs: 60_000,
      intervalMs: 20,
    });
    expect(summary.extraction).toBeUndefined();
    expect(summary.similarity?.shard).toEqual({ index: 0, count: SHARD_COUNT });
    const exposition = await (await fetch(metricsUrl)).text();
    expect(exposition).toMatch(/^scale_runs_finished_total\{status="completed"\} 1$/m);
    lingering.child.kill("SIGTERM");
    expect(await lingering.exit, lingering.stderr()).toBe(0);
    expect((await progress(watcher)).find((row) => row.shard_index === VICTIM)?.completed).toBe(false);
    // Two shards completed, the victim not: the pair table's key, deferred by the first claim, waits for it.
    expect(await keyed(watcher, "filepair_similarity_score")).toBe(false);

    const resumed = similarityShard(url, VICTIM, SHARD_COUNT);
    expect(await resumed.exit, resumed.stderr()).toBe(0);
    const resumedSummary = JSON.parse(resumed.stdout()) as PipelineSummary;
    expect(resumedSummary.similarity).toMatchObject({ shard: { index: VICTIM, count: SHARD_COUNT }, resumedAfterBatch: killedAt.last_seq, upToDate: false });

    const rows = await progress(watcher);
    expect(rows.map((row) => [row.shard_index, row.shard_count, row.completed])).toEqual([0, 1, 2].map((index) => [index, SHARD_COUNT, true]));
    const victimRow = rows.find((row) => row.shard_index === VICTIM)!;
    expect(Number(killedAt.pairs_written) + resumedSummary.similarity!.pairsWritten).toBe(Number(victimRow.pairs_written));
    for (const row of rows) expect(Number(row.pairs_written), `shard ${row.shard_index}`).toBeGreaterThan(0);
    expect(rows.reduce((sum, row) => sum + Number(row.pairs_written), 0)).toBe(golden.pairs.length);
    expect(await keyed(watcher, "filepair_similarity_score")).toBe(true);
  }

  it("lets a new shard count take the pairs over as a whole, and a single process take them back", async () => {
    const golden = await snapshotTables(goldenUrl);
    const url = await freshDatabaseUrl(env, "layouts");
    const single = runCli(url, []);
    expect(await single.exit, single.stderr()).toBe(0);
    expect(await snapshotTables(url)).toEqual(golden);

    // Shard 0 of 2 clears the single process's pairs and checkpoint before it writes its own part.
    const first = similarityShard(url, 0, 2);
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
});

interface ProgressRow {
  shard_index: number;
  shard_count: number;
  last_seq: number;
  pairs_written: string;
  completed: boolean;
}

async function progress(client: pg.Client): Promise<ProgressRow[]> {
  const { rows } = await client.query<ProgressRow>(
    "SELECT shard_index, shard_count, last_seq, pairs_written, completed FROM similarity_progress ORDER BY shard_index",
  );
  return rows;
}

async function progressOf(databaseUrl: string): Promise<Array<Pick<ProgressRow, "shard_index" | "shard_count" | "completed">>> {
  const client = new pg.Client(databaseUrl);
  await client.connect();
  try {
    return (await progress(client)).map(({ shard_index, shard_count, completed }) => ({ shard_index, shard_count, completed }));
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

function shardApplicationName(index: number): string {
  return `similarity-shard-${index}`;
}
