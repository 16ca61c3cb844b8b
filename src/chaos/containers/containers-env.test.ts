import { hostname } from "node:os";
import { fileURLToPath } from "node:url";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSyntheticCorpus } from "../../../fixtures/synthetic/index.ts";
import { runPipeline, transientReason } from "../../pipeline/index.ts";
import { waitFor, type FaultLibrary } from "../core/index.ts";
import { snapshotTables, type InstrumentRow } from "../integrity/index.ts";
import { bruteForcePairs, InterruptibleChild } from "../testing/index.ts";
import { containerEngineAvailable, listLabelledContainers, listLabelledNetworks, type ContainerEngine } from "./container-engine.ts";
import { ContainersEnvironment } from "./containers-env.ts";
import { OWNER_LABEL, SESSION_LABEL } from "./orphan-containers.ts";
import type { StartedContainersEnvironment } from "./started-containers-env.ts";

/**
 * The containers environment on a real engine: Podman from
 * .ci/containers-setup.sh here, Docker elsewhere. Without one, every test is
 * skipped and the title says why.
 */
const found = await containerEngineAvailable();
const unavailable = found.available ? undefined : found.reason;
if (unavailable !== undefined) console.warn(`containers environment SKIPPED: ${unavailable}`);
const title = (name: string) => (unavailable === undefined ? name : `${name} (SKIPPED: ${unavailable})`);
const START_TIMEOUT_MS = 180_000;
const INTERRUPTED_CHILD = fileURLToPath(new URL("./testing/hold-environment-until-interrupted.ts", import.meta.url));

const SONGS = 60;
const corpus = generateSyntheticCorpus({ seed: 5, songs: SONGS }).map((song) => ({ ...song, key: `containers/${song.key}` }));
const expectedInstruments: InstrumentRow[] = corpus
  .flatMap((song) => song.expected.map((instrument, instrumentIndex) => ({ filename: song.key, instrumentIndex, ...instrument })))
  .map(({ filename, instrumentIndex, track, channel, program, isDrum, name, noteCount }) => ({
    filename,
    instrumentIndex,
    track,
    channel,
    program,
    isDrum,
    name,
    noteCount,
  }))
  .sort((a, b) => Buffer.compare(Buffer.from(a.filename), Buffer.from(b.filename)) || a.instrumentIndex - b.instrumentIndex);

/** True while the engine runs on this machine, where its container PIDs are ours to look up. */
const pidsVisible = found.available && found.engine.dockerHost.startsWith("unix://") && process.platform === "linux";

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function selectOne(url: string, timeoutMs: number): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1");
  } finally {
    void client.end().catch(() => undefined);
  }
}

/** Pings until one succeeds: the first after a restart may fail on a connection the restart closed. */
function pingAgain(env: StartedContainersEnvironment, service: "postgres" | "s3"): Promise<number> {
  return waitFor(() => env.ping(service, 2_000), { description: `${service} to answer on the pipeline's path`, timeoutMs: 30_000, intervalMs: 100 });
}

describe.skipIf(unavailable !== undefined)(title("the containers environment"), () => {
  let engine: ContainerEngine;
  let env: StartedContainersEnvironment;
  let faults: FaultLibrary;

  beforeAll(async () => {
    engine = (found as { engine: ContainerEngine }).engine;
    env = await new ContainersEnvironment().start();
    faults = env.createFaults();
    await env.seed(corpus.map((song) => ({ key: song.key, body: song.bytes })));
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await faults?.removeAll();
    await env?.stop();
  });

  it("runs Postgres, S3 and Toxiproxy containers, and routes the pipeline through the fault layers and Toxiproxy", async () => {
    expect(env.kind).toBe("containers");
    expect(env.target).toMatch(/^containers \((Podman|Docker)/);
    const states = await Promise.all([env.postgres.state(), env.minio.state()]);
    expect(states.map((state) => state.status)).toEqual(["running", "running"]);
    const config = env.pipelineConfig("containers/");
    expect(Number(new URL(config.databaseUrl!).port)).toBe(env.postgresFaults.port);
    expect(env.postgresFaults.upstream).toEqual(env.toxiproxy.address("postgres"));
    expect(config.s3?.endpoint).toBe(env.s3Faults.endpoint);
    expect(new URL(env.s3Faults.upstream).port).toBe(String(env.toxiproxy.address("s3").port));
    const proxies = await env.toxiproxy.api.listProxies();
    expect(proxies["postgres"]?.upstream).toBe(`${env.postgres.ipAddress}:5432`);
    expect(proxies["s3"]?.upstream).toBe(`${env.minio.ipAddress}:9000`);
  });

  it("the pipeline in this process writes exactly the expected rows through that path", async () => {
    const database = await env.createDatabase("inproc");
    const summary = await runPipeline({ ...env.pipelineConfig("containers/", { database: database.name }), similarity: { mode: "exact" } });
    expect(summary.extraction?.objectsWritten).toBe(SONGS);
    const tables = await snapshotTables(database.url);
    expect(tables.instruments).toEqual(expectedInstruments);
    expect(tables.pairs).toEqual(bruteForcePairs(expectedInstruments));
  });

  it("launchPipeline runs the pipeline as its own process against the containers", async () => {
    const database = await env.createDatabase("launched");
    await using run = await env.launchPipeline({ prefix: "containers/", database: database.name, writeBatchFiles: 10 });
    const exit = await run.exited;
    expect(exit, exit.outputTail).toMatchObject({ code: 0, signal: null });
    expect((await snapshotTables(database.url)).instruments).toEqual(expectedInstruments);
  });

  it("a latency toxic on the Postgres proxy adds the requested latency to the pipeline's round trips, and removal takes it away", async () => {
    await pingAgain(env, "postgres");
    const baseline = Math.min(await env.ping("postgres", 5_000), await env.ping("postgres", 5_000));
    const latencyMs = 200;
    const toxic = await faults.toxic("postgres", { type: "latency", stream: "downstream", attributes: { latency: latencyMs, jitter: 0 } });
    const samples = [await env.ping("postgres", 5_000), await env.ping("postgres", 5_000), await env.ping("postgres", 5_000)];
    await toxic.remove();
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(latencyMs);
    expect(Math.min(...samples)).toBeLessThan(latencyMs + baseline + 300);
    expect(await env.ping("postgres", 5_000)).toBeLessThan(latencyMs);
  });

  it("a partition of the S3 proxy breaks the pipeline's S3 path until removed; direct access is untouched", async () => {
    const cut = await faults.partition("s3");
    try {
      const error = await env.ping("s3", 3_000).catch((e: unknown) => e);
      expect(transientReason(error), String(error)).toBeDefined();
      await expect(env.s3Client().send(new ListObjectsV2Command({ Bucket: env.bucket, MaxKeys: 1 }))).resolves.toBeDefined();
    } finally {
      await cut.remove();
    }
    await pingAgain(env, "s3");
  });

  it("an S3 fault (503 SlowDown) reaches the pipeline's S3 requests", async () => {
    const slowDown = await faults.s3({ type: "error", status: 503, code: "SlowDown", match: { operation: "HeadObject" } });
    try {
      // A HEAD answer has no body, so the SDK sees the status but not the code.
      await expect(env.ping("s3", 3_000)).rejects.toMatchObject({ $metadata: { httpStatusCode: 503 } });
      expect(slowDown.observations.requestsFaulted).toBeGreaterThanOrEqual(1);
    } finally {
      await slowDown.remove();
    }
    await pingAgain(env, "s3");
  });

  it("kill: the Postgres container exits with 137, its PID is gone, the pipeline's path refuses; removal starts it again", async () => {
    const pidBefore = (await env.postgres.state()).pid!;
    const kill = await faults.kill("postgres");
    expect(kill.observations).toMatchObject({ container: env.postgres.shortId, pid: pidBefore, signal: "SIGKILL", state: "exited", exitCode: 137 });
    expect((await env.postgres.state()).running).toBe(false);
    if (pidsVisible) expect(processExists(pidBefore)).toBe(false);
    await expect(selectOne(env.proxiedDatabaseUrl(), 2_000)).rejects.toThrow();
    await kill.remove();
    expect(kill.observations.restartedPid).toEqual(expect.any(Number));
    expect(kill.observations.restartedPid).not.toBe(pidBefore);
    expect(kill.observations.downMs).toBeGreaterThan(0);
    expect((await env.postgres.state()).status).toBe("running");
    await pingAgain(env, "postgres");
  });

  it("stop: Postgres shuts down on its stop signal (SIGINT) and comes back on the same data", async () => {
    const database = await env.createDatabase("kept");
    const write = new pg.Client({ connectionString: database.url });
    await write.connect();
    await write.query("CREATE TABLE survivor (n int); INSERT INTO survivor VALUES (42)");
    await write.end();
    const stop = await faults.stop("postgres");
    expect(stop.observations).toMatchObject({ signal: "SIGINT", state: "exited", exitCode: 0 });
    await stop.remove();
    const read = new pg.Client({ connectionString: env.pipelineConfig("", { database: database.name, direct: true }).databaseUrl });
    await read.connect();
    expect((await read.query("SELECT n FROM survivor")).rows).toEqual([{ n: 42 }]);
    await read.end();
  });

  it("pause: the Postgres container is frozen, a query waits until the pause ends by itself", async () => {
    await pingAgain(env, "postgres");
    const pause = await faults.pause("postgres", { durationMs: 1_500 });
    expect(pause.observations).toMatchObject({ container: env.postgres.shortId, pid: expect.any(Number), state: "paused" });
    const started = performance.now();
    await selectOne(env.proxiedDatabaseUrl(), 10_000);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1_300);
    await pause.remove(); // the timer's removal, still waiting for the engine's answer when Postgres already answers
    expect(pause.removedAt).toBeDefined();
    expect(pause.observations.pausedMs).toBeGreaterThanOrEqual(1_450);
    expect((await env.postgres.state()).status).toBe("running");
  });

  it("kill of the S3 container: requests fail, and after the restart the objects are still there", async () => {
    const kill = await faults.kill("s3");
    try {
      expect(kill.observations).toMatchObject({ state: "exited", signal: "SIGKILL" });
      await expect(env.ping("s3", 2_000)).rejects.toBeDefined();
    } finally {
      await kill.remove();
    }
    await pingAgain(env, "s3");
    const listed = await env.s3Client().send(new ListObjectsV2Command({ Bucket: env.bucket, Prefix: "containers/" }));
    expect(listed.KeyCount).toBe(SONGS);
  });

  it("stop() removes every container and the network it started", async () => {
    const session = env.postgres.id && (await listLabelledContainers(engine)).find((container) => container.id === env.postgres.id)?.labels[SESSION_LABEL];
    expect(session).toMatch(/^[0-9a-f]{8}$/);
    await env.stop();
    await env.stop();
    expect(await listLabelledContainers(engine, `${SESSION_LABEL}=${session}`)).toEqual([]);
    expect(await listLabelledNetworks(engine, `${SESSION_LABEL}=${session}`)).toEqual([]);
  });
});

describe.skipIf(unavailable !== undefined)(title("the containers environment failing to start"), () => {
  it(
    "removes what it had started when one container cannot start",
    async () => {
      const engine = (found as { engine: ContainerEngine }).engine;
      const mine = `${OWNER_LABEL}=${hostname()}:${process.pid}`;
      const starting = new ContainersEnvironment().withImages({ toxiproxy: "localhost/chaos-control/no-such-image:0" }).start();
      await expect(starting).rejects.toThrow();
      expect(await listLabelledContainers(engine, mine)).toEqual([]);
      expect(await listLabelledNetworks(engine, mine)).toEqual([]);
    },
    START_TIMEOUT_MS,
  );
});

describe.skipIf(unavailable !== undefined)(title("Ctrl-C on a process with the containers environment"), () => {
  it(
    "removes its containers, the paused one too, and its network before exiting",
    async () => {
      const engine = (found as { engine: ContainerEngine }).engine;
      await using child = new InterruptibleChild(INTERRUPTED_CHILD);
      const ids = Object.values(await child.report<Record<string, string>>(START_TIMEOUT_MS - 10_000));
      const owner = `${OWNER_LABEL}=${hostname()}:${child.pid}`;
      expect((await listLabelledContainers(engine, owner)).map((container) => container.state).sort()).toEqual(["paused", "running", "running"]);
      expect(ids).toHaveLength(3);

      child.interrupt();
      expect((await child.exited).code).toBe(130);
      expect(await listLabelledContainers(engine, owner)).toEqual([]);
      expect(await listLabelledNetworks(engine, owner)).toEqual([]);
    },
    START_TIMEOUT_MS,
  );
});
