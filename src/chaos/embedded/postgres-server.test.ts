import { readFileSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS, migrate } from "../../pipeline/index.ts";
import { PostgresServer } from "./postgres-server.ts";
import { descendantPids } from "../env-kit/index.ts";

/** Whether `pid` is a live process (a zombie awaiting its reaper counts as gone). */
function processExists(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

async function query<T extends pg.QueryResultRow>(uri: string, sql: string, params: unknown[] = [], timeoutMs = 5_000): Promise<T[]> {
  const client = new pg.Client({ connectionString: uri, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on("error", () => undefined);
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe("the embedded PostgreSQL server", () => {
  let server: PostgresServer;

  beforeAll(async () => {
    server = await PostgresServer.start();
    await server.createDatabase("scale");
  });

  afterAll(async () => {
    await server?.stop();
  });

  it("applies the migrations once, even when several processes migrate at the same time", async () => {
    const clients = await Promise.all(
      [1, 2, 3].map(async () => {
        const client = new pg.Client(server.connectionUri("scale"));
        await client.connect();
        return client;
      }),
    );
    try {
      const applied = await Promise.all(clients.map((client) => migrate(client)));
      expect(applied.flat().sort()).toEqual(MIGRATIONS.map((m) => m.version));
      expect(await migrate(clients[0]!)).toEqual([]);
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
    const rows = await query<{ version: number }>(server.connectionUri("scale"), "SELECT version FROM schema_migrations ORDER BY version");
    expect(rows.map((row) => row.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it("after kill -9 the PID is gone, connections are refused, and a restart on the same data directory keeps committed rows", async () => {
    const uri = server.connectionUri("scale");
    await query(uri, "CREATE TABLE IF NOT EXISTS survivor (id int)");
    await query(uri, "INSERT INTO survivor VALUES (42)");
    const backends = (await query<{ pid: number }>(uri, "SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid()")).map((row) => row.pid);
    expect(backends.length).toBeGreaterThan(0);
    const killed = await server.kill();
    expect(processExists(killed.pid)).toBe(false);
    for (const pid of backends) expect(processExists(pid), `helper process ${pid}`).toBe(false);
    await expect(query(uri, "SELECT 1", [], 1_000)).rejects.toThrow(/ECONNREFUSED|connect/);
    const restarted = await server.restart();
    expect(restarted.pid).not.toBe(killed.pid);
    expect(restarted.readyAfterMs).toBeGreaterThan(0);
    expect(await query<{ id: number }>(uri, "SELECT id FROM survivor")).toEqual([{ id: 42 }]);
  });

  it("while paused (SIGSTOP) neither open sessions nor new connections get an answer, and after resume they do", async () => {
    const uri = server.connectionUri("scale");
    const open = new pg.Client({ connectionString: uri, query_timeout: 700 });
    open.on("error", () => undefined);
    await open.connect();
    const [{ backend }] = (await open.query<{ backend: number }>("SELECT pg_backend_pid() AS backend")).rows as [{ backend: number }];
    await server.pause();
    try {
      expect(readFileSync(`/proc/${backend}/stat`, "utf8")).toMatch(/\) T /);
      await expect(open.query("SELECT 1")).rejects.toThrow(/timeout/i);
    } finally {
      await server.resume();
      await open.end().catch(() => undefined);
    }
    await server.pause();
    try {
      const started = performance.now();
      await expect(query(uri, "SELECT 1", [], 700)).rejects.toThrow();
      expect(performance.now() - started).toBeGreaterThanOrEqual(650);
    } finally {
      await server.resume();
    }
    expect(await query<{ one: number }>(uri, "SELECT 1 AS one")).toEqual([{ one: 1 }]);
  });

  it("pause() resolves only once every process of the tree is stopped, and resume() once none is, 20 times over", async () => {
    const busy = new pg.Client(server.connectionUri("scale"));
    busy.on("error", () => undefined);
    await busy.connect();
    const [{ backend }] = (await busy.query<{ backend: number }>("SELECT pg_backend_pid() AS backend")).rows as [{ backend: number }];
    // A backend that is running (state R) when the signal arrives is the case that raced before.
    const spinning = busy.query("SELECT count(*) FROM generate_series(1, 200000000)").catch(() => undefined);
    try {
      for (let cycle = 0; cycle < 20; cycle++) {
        const paused = await server.pause();
        const tree = [paused.pid, ...descendantPids(paused.pid)];
        const states = tree.map((pid) => `${pid}:${processState(pid)}`);
        expect(tree.length, "postmaster, its helpers and the busy backend").toBeGreaterThan(3);
        expect(
          states.filter((state) => !/:[TZ]$|:undefined$/.test(state)),
          `cycle ${cycle}: ${states.join(" ")}`,
        ).toEqual([]);
        expect(paused.seenAt).toBeGreaterThanOrEqual(paused.at);
        const resumed = await server.resume();
        const after = [resumed.pid, ...descendantPids(resumed.pid)].map((pid) => `${pid}:${processState(pid)}`);
        expect(
          after.filter((state) => /:T$/.test(state)),
          `cycle ${cycle}: ${after.join(" ")}`,
        ).toEqual([]);
      }
    } finally {
      await query(server.connectionUri("scale"), "SELECT pg_cancel_backend($1)", [backend]);
      await spinning;
      await busy.end().catch(() => undefined);
    }
    expect(await query<{ one: number }>(server.connectionUri("scale"), "SELECT 1 AS one")).toEqual([{ one: 1 }]);
  });
});

/** The state letter /proc shows for `pid` (R, S, T…), read directly so the test does not trust the code it checks. */
function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.charAt(stat.lastIndexOf(")") + 2);
  } catch {
    return undefined;
  }
}
