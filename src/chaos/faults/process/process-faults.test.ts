import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transientReason } from "../../../pipeline/index.ts";
import { EmbeddedEnvironment, type StartedEmbeddedEnvironment } from "../../embedded/index.ts";
import { readFileSync } from "node:fs";
import { descendantPids } from "../../env-kit/index.ts";
import { killProcess, pauseProcess, stopProcess } from "./process-faults.ts";

/** The state letter /proc shows for `pid` (R, S, T…), or "gone". */
function stateOf(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.charAt(stat.lastIndexOf(")") + 2);
  } catch {
    return "gone";
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function selectOne(url: string, timeoutMs = 3_000): Promise<number> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on("error", () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ one: number }>("SELECT 1 AS one");
    return rows[0]!.one;
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe("process faults on the embedded environment", () => {
  let env: StartedEmbeddedEnvironment;

  beforeAll(async () => {
    env = await new EmbeddedEnvironment().start();
    await env.seed([{ key: "probe.mid", body: new Uint8Array([1, 2, 3]) }]);
  });

  afterAll(async () => {
    await env?.stop();
  });

  it("kill -9 of Postgres: the PID is gone and connections fail until removal restarts it", async () => {
    const url = env.proxiedDatabaseUrl();
    const pidBefore = env.postgres.pid!;
    const tree = [pidBefore, ...descendantPids(pidBefore)];
    await using fault = await killProcess(env.postgres);
    expect(fault.observations.pid).toBe(pidBefore);
    expect(tree.map((pid) => `${pid}:${stateOf(pid)}`).filter((state) => !/:(gone|Z)$/.test(state))).toEqual([]);
    expect(fault.observations.pidGoneAfterMs).toBeGreaterThanOrEqual(0);
    await expect(selectOne(url, 1_000)).rejects.toThrow();
    await fault.remove();
    expect(fault.observations.restartedPid).toBe(env.postgres.pid);
    expect(fault.observations.restartedPid).not.toBe(pidBefore);
    expect(fault.observations.downMs).toBeGreaterThan(0);
    expect(fault.removedAt).toBeGreaterThan(fault.injectedAt);
    expect(await selectOne(url)).toBe(1);
  });

  it("a graceful stop of Postgres and its restart on the same data", async () => {
    await using fault = await stopProcess(env.postgres);
    expect(fault.observations.signal).toBe("SIGINT");
    expect(processExists(fault.observations.pid as number)).toBe(false);
    await fault.remove();
    await fault.remove();
    expect(await selectOne(env.proxiedDatabaseUrl())).toBe(1);
  });

  it("SIGSTOP freezes Postgres: a query gets no answer until the pause ends by itself", async () => {
    const fault = await pauseProcess(env.postgres, { durationMs: 1_500 });
    const started = performance.now();
    expect(await selectOne(env.proxiedDatabaseUrl(), 10_000)).toBe(1);
    const waitedMs = performance.now() - started;
    expect(waitedMs).toBeGreaterThanOrEqual(1_300);
    expect(fault.removedAt).toBeDefined();
    expect(fault.observations.pausedMs).toBeGreaterThanOrEqual(1_450);
  });

  it("a pause is stamped once every Postgres process is stopped, and its removal once none is, 10 times over", async () => {
    for (let cycle = 0; cycle < 10; cycle++) {
      const fault = await pauseProcess(env.postgres);
      const tree = [env.postgres.pid!, ...descendantPids(env.postgres.pid!)];
      expect(
        tree.map((pid) => `${pid}:${stateOf(pid)}`).filter((state) => !/:(T|Z|gone)$/.test(state)),
        `cycle ${cycle}`,
      ).toEqual([]);
      await fault.remove();
      expect(
        tree.map((pid) => `${pid}:${stateOf(pid)}`).filter((state) => state.endsWith(":T")),
        `cycle ${cycle}`,
      ).toEqual([]);
    }
    expect(await selectOne(env.proxiedDatabaseUrl())).toBe(1);
  });

  it("kill -9 of the S3 server: requests fail, and after restart the objects are still there", async () => {
    const client = env.s3Client();
    const list = () => client.send(new ListObjectsV2Command({ Bucket: env.bucket }));
    const fault = await killProcess(env.s3);
    try {
      expect(processExists(fault.observations.pid as number)).toBe(false);
      const error = await list().catch((e: unknown) => e);
      expect(["connection-refused", "connection-reset"]).toContain(transientReason(error));
    } finally {
      await fault.remove();
    }
    const { Contents } = await list();
    expect(Contents?.map((object) => object.Key)).toEqual(["probe.mid"]);
  });

  it("rejects faults on a process that is not running, naming the target", async () => {
    const fault = await killProcess(env.s3, { restartOnRemove: false });
    try {
      await expect(killProcess(env.s3)).rejects.toThrow(/target s3 is not running/);
    } finally {
      await env.s3.restart();
      await fault.remove();
    }
  });
});
