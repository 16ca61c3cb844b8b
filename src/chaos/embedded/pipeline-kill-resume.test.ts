import { spawn, type ChildProcess } from "node:child_process";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSyntheticCorpus } from "../../../fixtures/synthetic/index.ts";
import { runPipeline } from "../../pipeline/index.ts";
import { snapshotTables } from "../integrity/index.ts";
import { freshDatabaseUrl } from "./testing/index.ts";
import { EmbeddedEnvironment, S3RVER_CREDENTIALS, type StartedEmbeddedEnvironment } from "./index.ts";
import { waitFor } from "../core/index.ts";
import { pipelineCli } from "../env-kit/index.ts";

/** A corpus with many songs sharing instrument sets, so the similarity step writes thousands of pairs in many batches. */
const templates = generateSyntheticCorpus({ seed: 11, songs: 60 }).filter((song) => new Set(song.expected.map((i) => (i.isDrum ? 128 : i.program))).size >= 3);
const corpus = Array.from({ length: 500 }, (_, i) => {
  const template = templates[i % templates.length]!;
  return { key: `kill/song-${String(i).padStart(4, "0")}.mid`, body: template.bytes };
});

describe("a pipeline killed with SIGKILL mid-run", () => {
  let env: StartedEmbeddedEnvironment;
  let goldenUrl: string;
  const children = new Set<ChildProcess>();

  beforeAll(async () => {
    env = await new EmbeddedEnvironment().start();
    await env.seed(corpus);
    goldenUrl = await freshDatabaseUrl(env, "golden");
    await runPipeline({ ...env.pipelineConfig("kill/"), databaseUrl: goldenUrl });
  }, 120_000);

  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
    await env?.stop();
  });

  function startPipelineProcess(databaseUrl: string): ChildProcess {
    const child = spawn(
      process.execPath,
      [
        pipelineCli(),
        "pipeline",
        "--s3-endpoint",
        env.s3.endpoint,
        "--bucket",
        env.bucket,
        "--prefix",
        "kill/",
        "--write-batch-files",
        "10",
        "--pair-batch-size",
        "100",
      ],
      {
        stdio: ["ignore", "pipe", "pipe"],
        // The URL holds the server's password: through the environment, never on the command line.
        env: {
          ...process.env,
          DATABASE_URL: databaseUrl,
          AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
          CI: "1",
        },
      },
    );
    children.add(child);
    child.once("exit", () => children.delete(child));
    return child;
  }

  async function queryNumber(url: string, sql: string): Promise<number> {
    const client = new pg.Client(url);
    client.on("error", () => undefined);
    await client.connect();
    try {
      const { rows } = await client.query(sql);
      return Number(rows[0]?.n ?? 0);
    } catch {
      return 0; // tables not created yet
    } finally {
      await client.end();
    }
  }

  function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
    return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  }

  it.each([
    ["while writing instruments", "SELECT count(*) AS n FROM source_object", (n: number) => n >= 30 && n < corpus.length],
    ["while writing similar pairs", "SELECT last_seq AS n FROM similarity_progress WHERE NOT completed", (n: number) => n >= 3],
  ])(
    "%s, then run again, leaves the same tables as an uninterrupted run",
    async (_when, probe, killNow) => {
      const url = await freshDatabaseUrl(env, "killed");
      const victim = startPipelineProcess(url);
      const progressAtKill = await waitFor(
        async () => {
          if (victim.exitCode !== null) throw new Error("the pipeline finished before it could be killed");
          const n = await queryNumber(url, probe);
          return killNow(n) ? n : undefined;
        },
        { description: "the pipeline to reach the kill point", timeoutMs: 60_000, intervalMs: 10 },
      );
      victim.kill("SIGKILL");
      const exit = await exitOf(victim);
      expect(exit.signal).toBe("SIGKILL");
      expect(progressAtKill).toBeGreaterThan(0);

      const interrupted = await snapshotTables(url);
      const golden = await snapshotTables(goldenUrl);
      expect(interrupted).not.toEqual(golden);

      const resumed = startPipelineProcess(url);
      let output = "";
      resumed.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
      resumed.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
      expect((await exitOf(resumed)).code, output).toBe(0);
      expect(await snapshotTables(url)).toEqual(golden);
    },
    120_000,
  );
});
