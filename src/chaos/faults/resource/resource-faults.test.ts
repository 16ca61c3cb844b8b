/**
 * One file on purpose: Vitest runs files in parallel, and the CPU-time and
 * slowdown measurements below would disturb each other on a 2-core machine.
 */
import { availableParallelism } from "node:os";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../../pipeline/index.ts";
import { PostgresServer } from "../../embedded/index.ts";
import { type FaultHandle, waitFor } from "../../core/index.ts";
import { cpuPressure, exhaustPostgresConnections, holdTableLock, memoryPressure, slowQueries } from "./index.ts";
import { processExists, residentBytes } from "./proc-status.ts";

const MEBIBYTE_BYTES = 1024 * 1024;
const MAX_CONNECTIONS = 40;
const REFERENCE_QUERY = "SELECT sum(hashtext(g::text)) FROM (SELECT generate_series(1, 1000000) AS g) AS rows";
const INSERT_SOURCE_OBJECT =
  "INSERT INTO source_object (key, etag, size, outcome, instruments, run_id) VALUES ($1, 'etag', 1, 'written', 1, gen_random_uuid())";

async function connect(uri: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: uri, connectionTimeoutMillis: 5_000 });
  client.on("error", () => undefined);
  await client.connect();
  return client;
}

/** Runs `work` on a fresh session that is closed afterwards, whatever happens. */
async function withSession<T>(uri: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connect(uri);
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Best of three runs of the reference query, in milliseconds: the minimum shrugs off one-off scheduling hiccups. */
async function referenceQueryMs(client: pg.Client): Promise<number> {
  const timings: number[] = [];
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    await client.query(REFERENCE_QUERY);
    timings.push(performance.now() - started);
  }
  return Math.min(...timings);
}

function waitUntilRemoved(fault: FaultHandle, timeoutMs: number): Promise<true> {
  return waitFor(async () => fault.removedAt !== undefined, { description: `${fault.description.kind} to end by itself`, timeoutMs, intervalMs: 20 });
}

async function expectRemoveIsIdempotent(fault: FaultHandle): Promise<void> {
  const removedAt = fault.removedAt;
  const observations = structuredClone(fault.observations);
  await fault.remove();
  expect(fault.removedAt).toBe(removedAt);
  expect(fault.observations).toEqual(observations);
}

describe("overload and resource faults", () => {
  let server: PostgresServer;
  let uri: string;

  beforeAll(async () => {
    server = await PostgresServer.start({ settings: { max_connections: String(MAX_CONNECTIONS) } });
    await server.createDatabase("scale");
    uri = server.connectionUri("scale");
    await withSession(uri, (client) => migrate(client));
  });

  afterAll(async () => {
    await server?.stop();
  });

  describe("connection exhaustion", () => {
    it("refuses new clients with 53300 while on, and lets them in after removal", async () => {
      await using fault = await exhaustPostgresConnections({ connectionUri: uri });
      expect(fault.observations).toMatchObject({ maxConnections: MAX_CONNECTIONS, refusedWith: { code: "53300", message: "sorry, too many clients already" } });
      expect(fault.observations.held).toBe(MAX_CONNECTIONS);
      await expect(connect(uri)).rejects.toMatchObject({ code: "53300" });

      await fault.remove();
      expect(fault.observations.released).toBe(fault.observations.held);
      expect(await withSession(uri, async (client) => (await client.query("SELECT 1 AS one")).rows[0].one)).toBe(1);
      await expectRemoveIsIdempotent(fault);
    });

    it("leaves `reserve` slots free for exactly that many clients, and counts sessions the server ends", async () => {
      await using fault = await exhaustPostgresConnections({ connectionUri: uri, reserve: 2 });
      expect(fault.observations.held).toBe(MAX_CONNECTIONS - 2);
      const admitted = [await connect(uri), await connect(uri)];
      try {
        await expect(connect(uri)).rejects.toMatchObject({ code: "53300" });
        await admitted[0]!.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'chaos:connection-exhaustion' LIMIT 3");
        await waitFor(async () => fault.observations.held === MAX_CONNECTIONS - 5, {
          description: "held to drop by the 3 terminated sessions",
          timeoutMs: 5_000,
        });
      } finally {
        await Promise.all(admitted.map((client) => client.end()));
      }
      await fault.remove();
      expect(fault.observations.released).toBe(MAX_CONNECTIONS - 5);
    });
  });

  describe("table lock", () => {
    it("blocks writes to the locked table while on; pg_locks shows the holder; writes succeed after removal", async () => {
      await using fault = await holdTableLock({ connectionUri: uri, table: "source_object", schema: "public", mode: "EXCLUSIVE" });
      expect(fault.observations).toMatchObject({ table: "public.source_object", mode: "EXCLUSIVE" });
      const backendPid = fault.observations.backendPid as number;

      await withSession(uri, async (client) => {
        const { rows } = await client.query("SELECT mode, granted FROM pg_locks WHERE pid = $1 AND relation = 'public.source_object'::regclass", [backendPid]);
        expect(rows).toEqual([{ mode: "ExclusiveLock", granted: true }]);
        await client.query("SET lock_timeout = '200ms'");
        await expect(client.query(INSERT_SOURCE_OBJECT, ["blocked.mid"])).rejects.toMatchObject({ code: "55P03" });
        // EXCLUSIVE still admits plain reads: the mode given is the mode held.
        expect((await client.query("SELECT count(*)::int AS n FROM source_object")).rows[0].n).toBe(0);

        await fault.remove();
        await client.query(INSERT_SOURCE_OBJECT, ["after-lock.mid"]);
        expect((await client.query("SELECT count(*)::int AS n FROM pg_locks WHERE pid = $1", [backendPid])).rows[0].n).toBe(0);
      });
      expect(fault.observations.heldMs).toBeGreaterThan(0);
      await expectRemoveIsIdempotent(fault);
    });

    it("quotes the table name, and releases the lock by itself after durationMs", async () => {
      await withSession(uri, (client) => client.query(`CREATE TABLE "Odd ""name"" table" (id int)`));
      await using fault = await holdTableLock({ connectionUri: uri, table: `Odd "name" table`, durationMs: 300 });
      await withSession(uri, async (client) => {
        await client.query("SET lock_timeout = '100ms'");
        await expect(client.query(`SELECT * FROM "Odd ""name"" table"`)).rejects.toMatchObject({ code: "55P03" });
        await waitUntilRemoved(fault, 5_000);
        await client.query(`INSERT INTO "Odd ""name"" table" VALUES (1)`);
      });
      expect(fault.observations.endedBy).toBe("duration");
    });

    it("reports a lock lost when the server ends its session early", async () => {
      await using fault = await holdTableLock({ connectionUri: uri, table: "filename_instrument" });
      await withSession(uri, (client) => client.query("SELECT pg_terminate_backend($1)", [fault.observations.backendPid]));
      await waitFor(async () => fault.observations.sessionLost === true, { description: "the lock's session to be reported lost", timeoutMs: 5_000 });
      await fault.remove();
      expect(fault.observations.endedBy).toBe("removed");
    });
  });

  describe("slow queries", () => {
    it("makes a reference query measurably slower while on, and cancels its own queries on removal", async () => {
      await withSession(uri, async (client) => {
        await client.query("SET max_parallel_workers_per_gather = 0");
        const baselineMs = await referenceQueryMs(client);
        // Three busy backends per core leave the reference under a third of a core: a 3x slowdown with ample room for noise.
        await using fault = await slowQueries({ connectionUri: uri, sessions: 3 * availableParallelism() });
        const started = await client.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ANY($1) AND query LIKE '%hashtext%'", [
          fault.observations.backendPids,
        ]);
        expect(started.rows[0].n, "backends that had started the heavy query when the fault was stamped").toBe(3 * availableParallelism());
        const loadedMs = await referenceQueryMs(client);
        expect(loadedMs).toBeGreaterThan(1.5 * baselineMs);

        const backendPids = fault.observations.backendPids as number[];
        const active = await client.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ANY($1) AND state = 'active'", [backendPids]);
        expect(active.rows[0].n).toBeGreaterThan(0);
        expect(fault.observations.queriesRun).toBeGreaterThan(0);
        expect(fault.observations.queryMs).toBeGreaterThan(0);

        await fault.remove();
        const runAtRemoval = fault.observations.queriesRun;
        expect(fault.observations.cancelled).toBeGreaterThan(0);
        expect(fault.observations.sessionsLost).toBe(0);
        await waitFor(async () => (await client.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ANY($1)", [backendPids])).rows[0].n === 0, {
          description: "the slow-query backends to exit",
          timeoutMs: 5_000,
        });
        expect(fault.observations.queriesRun).toBe(runAtRemoval);
        console.info(`reference query: ${baselineMs.toFixed(0)} ms alone, ${loadedMs.toFixed(0)} ms under slowQueries (${runAtRemoval} heavy queries ran)`);
      });
    });
  });

  describe("CPU pressure", () => {
    const workers = Math.min(2, availableParallelism());

    it("keeps each worker on a core for durationMs, then ends by itself and its PIDs are gone", async () => {
      const durationMs = 1_000;
      await using fault = await cpuPressure({ workers, durationMs });
      const pids = fault.observations.pids as number[];
      expect(pids).toHaveLength(workers);
      expect(pids.every(processExists)).toBe(true);

      await waitUntilRemoved(fault, durationMs + 5_000);
      expect(fault.observations.endedBy).toBe("duration");
      expect(fault.observations.unreported).toBe(0);
      // Two shared cores, with other test files running beside this one: a quarter of a
      // core-second per worker-second is the floor (idle children would show ~0), not the expectation.
      expect(fault.observations.cpuTimeMs).toBeGreaterThanOrEqual(0.25 * workers * durationMs);
      expect(pids.some(processExists)).toBe(false);
      await expectRemoveIsIdempotent(fault);
    });

    it("stops its workers on removal before any duration", async () => {
      await using fault = await cpuPressure({ workers: 1 });
      await new Promise((resolve) => setTimeout(resolve, 600));
      await fault.remove();
      expect(fault.observations.endedBy).toBe("removed");
      expect(fault.observations.cpuTimeMs).toBeGreaterThan(100);
      expect((fault.observations.pids as number[]).some(processExists)).toBe(false);
    });
  });

  describe("memory pressure", () => {
    it("holds the requested memory resident until removed", async () => {
      const mebibytes = 192;
      await using fault = await memoryPressure({ mebibytes });
      const pid = fault.observations.pid as number;
      expect(fault.observations.rssMiB).toBeGreaterThanOrEqual(mebibytes);
      expect(await residentBytes(pid)).toBeGreaterThanOrEqual(mebibytes * MEBIBYTE_BYTES);

      await fault.remove();
      expect(fault.observations.endedBy).toBe("removed");
      expect(processExists(pid)).toBe(false);
      await expectRemoveIsIdempotent(fault);
    });

    it("releases the memory by itself after durationMs", async () => {
      await using fault = await memoryPressure({ mebibytes: 64, durationMs: 300 });
      await waitUntilRemoved(fault, 5_000);
      expect(fault.observations.endedBy).toBe("duration");
      expect(fault.observations.heldMs).toBeGreaterThanOrEqual(250);
      expect(processExists(fault.observations.pid as number)).toBe(false);
    });
  });
});
