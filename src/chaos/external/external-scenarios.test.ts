import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CreateBucketCommand, ListBucketsCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3Client } from "../../pipeline/index.ts";
import type { Journal } from "../core/index.ts";
import { PostgresServer, S3Server, S3RVER_CREDENTIALS } from "../embedded/index.ts";
import { startToxiproxyServer, type StartedToxiproxyServer } from "../toxiproxy/index.ts";
import { ExternalEnvironment } from "./external-env.ts";

// Real scenarios, unchanged, run by `chaos-control run --env external` against a stack this test starts apart from the
// environment code (its own Postgres, s3rver and Toxiproxy, holding data of "the user's"); each scenario
// asserts its fault happened, recovery within budget and the golden output, and this test reads its journal.
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const CLI = join(ROOT, "bin/chaos-control.mjs");
const SCENARIO_TIMEOUT_MS = 600_000;

let postgres: PostgresServer;
let s3: S3Server;
let toxiproxy: StartedToxiproxyServer;
let s3Admin: S3Client;
let reports: string;

beforeAll(async () => {
  [postgres, s3, toxiproxy] = await Promise.all([PostgresServer.start(), S3Server.start(), startToxiproxyServer({ host: "127.0.0.1", port: 0 })]);
  s3Admin = createS3Client(
    { endpoint: s3.endpoint, region: "us-east-1", bucket: "x", prefix: "", forcePathStyle: true, credentials: { ...S3RVER_CREDENTIALS } },
    10_000,
  );
  await postgres.createDatabase("user_app");
  const client = new pg.Client({ connectionString: postgres.connectionUri("user_app") });
  await client.connect();
  await client.query("CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders VALUES (1), (2)");
  await client.end();
  await s3Admin.send(new CreateBucketCommand({ Bucket: "user-data" }));
  await s3Admin.send(new PutObjectCommand({ Bucket: "user-data", Key: "app/keep.txt", Body: "the user's" }));
  await toxiproxy.api().createProxy({ name: "pg_main", listen: "127.0.0.1:0", upstream: `127.0.0.1:${postgres.port}` });
  await toxiproxy.api().createProxy({ name: "minio", listen: "127.0.0.1:0", upstream: new URL(s3.endpoint).host });
  reports = await mkdtemp(join(tmpdir(), "chaos-external-reports-"));
}, 120_000);

afterAll(async () => {
  s3Admin?.destroy();
  await Promise.allSettled([postgres?.stop(), s3?.stop(), toxiproxy?.stop()]);
  if (reports) await rm(reports, { recursive: true, force: true });
});

function variables(withToxiproxy: boolean): Record<string, string> {
  const all: Record<string, string> = {
    CHAOS_EXTERNAL_DATABASE_URL: postgres.connectionUri("postgres"),
    CHAOS_EXTERNAL_S3_ENDPOINT: s3.endpoint,
    CHAOS_EXTERNAL_S3_BUCKET: "user-data",
    CHAOS_EXTERNAL_S3_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    CHAOS_EXTERNAL_S3_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    ...(withToxiproxy
      ? { CHAOS_EXTERNAL_TOXIPROXY_URL: toxiproxy.url, CHAOS_EXTERNAL_TOXIPROXY_POSTGRES_PROXY: "pg_main", CHAOS_EXTERNAL_TOXIPROXY_S3_PROXY: "minio" }
      : {}),
  };
  return { ...all, CHAOS_ALLOW_TARGET: new ExternalEnvironment().withVariables(all).resolve().target };
}

/** What `chaos-control run --json` prints on stdout. */
interface RunSummary {
  verdict: string;
  exitCode: number;
  counts: { passed: number; failed: number; skipped: number };
  scenarios: { scenario: string; state: string; reason?: string }[];
}

interface ScenarioRun {
  code: number | null;
  /** Vitest's progress and the command's messages (stderr). */
  output: string;
  summary: RunSummary;
  /** The scenario's journal; undefined when none was written. */
  journal: Journal | undefined;
}

/**
 * Runs one scenario as the README says a user would, `chaos-control run --env external --json <name>`, with the
 * stack's URLs and credentials in its environment only.
 */
async function runScenario(name: string, stack: Record<string, string>): Promise<ScenarioRun> {
  const dir = join(reports, name);
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([variable]) => !variable.startsWith("VITEST") && !variable.startsWith("CHAOS_")));
  const child = spawn(process.execPath, [CLI, "run", "--env", "external", "--json", name], {
    cwd: ROOT,
    env: { ...inherited, ...stack, CHAOS_REPORTS_DIR: dir, NO_COLOR: "1", ...golden() },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  let summary: RunSummary;
  try {
    summary = JSON.parse(stdout) as RunSummary;
  } catch {
    throw new Error(`chaos-control run printed no JSON summary; exit ${code}:\n${output.slice(-4000)}`);
  }
  const journals = (await readdir(join(dir, "journals")).catch(() => [])).filter((file) => file.endsWith(".json"));
  const journal = journals[0] === undefined ? undefined : (JSON.parse(await readFile(join(dir, "journals", journals[0]), "utf8")) as Journal);
  return { code, output: `${output}\n${stdout}`, summary, journal };
}

/** The golden-output cache of this test run, shared with the scenarios run from it (both scenarios below have the same input). */
function golden(): Record<string, string> {
  const directory = process.env.CHAOS_GOLDEN_CACHE_DIR;
  return directory ? { CHAOS_GOLDEN_CACHE_DIR: directory } : {};
}

/** Databases, the user's rows, every bucket and key, every proxy and its toxics. */
async function stackState() {
  const client = new pg.Client({ connectionString: postgres.connectionUri() });
  await client.connect();
  const databases = (await client.query("SELECT datname FROM pg_database ORDER BY datname")).rows.map((row) => row.datname);
  await client.end();
  const buckets = ((await s3Admin.send(new ListBucketsCommand({}))).Buckets ?? []).map((bucket) => bucket.Name!).sort();
  const objects = await Promise.all(
    buckets.map(async (bucket) => [bucket, ((await s3Admin.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((object) => object.Key)]),
  );
  const proxies = Object.values(await toxiproxy.api().listProxies()).map(({ name, enabled, listen, upstream, toxics }) => ({
    name,
    enabled,
    listen,
    upstream,
    toxics,
  }));
  return { databases, objects, proxies };
}

function expectPassedOnExternal(run: ScenarioRun, target: string): Journal {
  expect(run.code, run.output.slice(-4000)).toBe(0);
  expect(run.summary).toMatchObject({ verdict: "passed", exitCode: 0, counts: { passed: 1, failed: 0, skipped: 0 } });
  const journal = run.journal!;
  for (const secret of [postgres.password, S3RVER_CREDENTIALS.secretAccessKey]) {
    expect(run.output).not.toContain(secret);
    expect(JSON.stringify(journal)).not.toContain(secret);
  }
  expect(journal.environment).toEqual({ kind: "external", target });
  expect(journal.status).toBe("completed");
  expect(journal.integrity?.ok).toBe(true);
  expect(journal.figures.recoveryMs).not.toBeNull();
  expect(journal.figures.recoveryMs!).toBeLessThanOrEqual(journal.budget.recoveryMs);
  for (const fault of journal.faults) {
    expect(fault.injectedAt, fault.name).not.toBeNull();
    expect(fault.removedAt, fault.name).not.toBeNull();
  }
  return journal;
}

// The two full scenario runs take minutes each (a golden run plus the experiment, each a CLI process): they run with
// `npm run test:external`, not in `npm test`, and say so in their skipped titles.
const RUN_FULL_SCENARIOS = process.env.CHAOS_EXTERNAL_SCENARIOS === "1";
const FULL_RUN_SKIP_REASON = RUN_FULL_SCENARIOS ? "" : " [skipped: set CHAOS_EXTERNAL_SCENARIOS=1 or run `npm run test:external`]";

describe("real scenarios on the external environment", () => {
  it.skipIf(!RUN_FULL_SCENARIOS)(
    "postgres-network-partition through the user's Toxiproxy: its proxy disabled for 10 s, recovered, golden output, proxy back as found" +
      FULL_RUN_SKIP_REASON,
    async () => {
      const before = await stackState();
      const stack = variables(true);
      const journal = expectPassedOnExternal(await runScenario("postgres-network-partition", stack), stack.CHAOS_ALLOW_TARGET!);
      const partition = journal.faults.find((fault) => fault.kind === "network/partition")!;
      expect(partition.target).toBe("proxy pg_main");
      expect(partition.observations.enabled).toBe(false);
      expect(await stackState()).toEqual(before);
    },
    SCENARIO_TIMEOUT_MS,
  );

  it.skipIf(!RUN_FULL_SCENARIOS)(
    "s3-throttling through the project's own proxies: 503 SlowDown served, recovered, golden output, stack as found" + FULL_RUN_SKIP_REASON,
    async () => {
      const before = await stackState();
      const stack = variables(false);
      const journal = expectPassedOnExternal(await runScenario("s3-throttling", stack), stack.CHAOS_ALLOW_TARGET!);
      const slowDown = journal.faults.find((fault) => fault.kind === "s3/error")!;
      expect(slowDown.observations.requestsFaulted).toBeGreaterThan(20);
      expect(await stackState()).toEqual(before);
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "postgres-frozen, which needs SIGSTOP of the user's Postgres, skips with the reason and leaves the stack as found",
    async () => {
      const before = await stackState();
      const run = await runScenario("postgres-frozen", variables(false));
      expect(run.code, run.output.slice(-4000)).toBe(5);
      expect(run.summary).toMatchObject({ verdict: "nothing-ran", counts: { passed: 0, failed: 0, skipped: 1 } });
      expect(run.journal?.status).toBe("aborted");
      expect(run.journal?.reason).toMatch(/pause of postgres is not available on the external environment: the suite did not start it/);
      expect(await stackState()).toEqual(before);
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "without CHAOS_ALLOW_TARGET the run refuses before touching the stack, naming the value to set",
    async () => {
      const before = await stackState();
      const { CHAOS_ALLOW_TARGET: target, ...stack } = variables(true);
      const run = await runScenario("s3-throttling", stack);
      expect(run.code, run.output.slice(-4000)).toBe(4);
      expect(run.summary).toMatchObject({ verdict: "failed-to-start", counts: { passed: 0, failed: 1, skipped: 0 } });
      expect(run.output).toContain(`Opt in explicitly with CHAOS_ALLOW_TARGET="${target}"`);
      expect(run.journal).toBeUndefined();
      expect(await stackState()).toEqual(before);
    },
    SCENARIO_TIMEOUT_MS,
  );
});
