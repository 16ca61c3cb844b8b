import { createHash } from "node:crypto";
import { connect } from "node:net";
import { performance } from "node:perf_hooks";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresServer } from "../env/index.ts";
import { lostAckOutcomes, PostgresProxy } from "./index.ts";

let server: PostgresServer;
let tableNumber = 0;

beforeAll(async () => {
  server = await PostgresServer.start();
});

afterAll(async () => {
  await server?.stop();
});

async function startProxy(): Promise<PostgresProxy> {
  return PostgresProxy.start({ upstream: { host: "127.0.0.1", port: server.port } });
}

/** A connected client; connection errors after a cut are expected, so they are kept instead of thrown. */
async function client(port = server.port): Promise<pg.Client & { lost: Error[] }> {
  const connected = Object.assign(new pg.Client({ connectionString: server.connectionUri("postgres", port), query_timeout: 10_000 }), { lost: [] as Error[] });
  connected.on("error", (error) => connected.lost.push(error));
  await connected.connect();
  return connected;
}

async function direct<T extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<T[]> {
  const c = await client();
  try {
    return (await c.query<T>(sql, values)).rows;
  } finally {
    await c.end();
  }
}

async function freshTable(): Promise<string> {
  const name = `proxied_${++tableNumber}`;
  await direct(`CREATE TABLE ${name} (id int PRIMARY KEY, note text)`);
  return name;
}

async function failure(promise: Promise<unknown>): Promise<Error & { code?: string; severity?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error("expected the statement to fail, but it succeeded");
}

describe("the protocol-aware Postgres proxy", () => {
  it("passes a large COPY and prepared statements through byte for byte", async () => {
    await using proxy = await startProxy();
    const table = await freshTable();
    const rows = Array.from({ length: 60_000 }, (_, id) => `${id}\tnote ${id} ${"x".repeat(id % 97)}\n`);
    const c = await client(proxy.port);
    try {
      await pipeline(Readable.from(rows), c.query(copyFrom(`COPY ${table} (id, note) FROM STDIN`)));
      const { rows: found } = await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE id >= $1`, [0]);
      expect(found[0]!.n).toBe("60000");
    } finally {
      await c.end();
    }
    const expected = createHash("md5").update(rows.map((row) => row.split("\t")[1]!.replace(/\n$/, "")).join(",")).digest("hex");
    const [stored] = await direct<{ digest: string }>(`SELECT md5(string_agg(note, ',' ORDER BY id)) AS digest FROM ${table}`);
    expect(stored!.digest).toBe(expected);
    expect(proxy.recording().copies).toEqual({ [table]: 1 });
  });

  it("answers only the Nth matching statement with the chosen SQLSTATE, without forwarding it", async () => {
    await using proxy = await startProxy();
    const table = await freshTable();
    const rule = proxy.addRule({ type: "error", match: { pattern: new RegExp(`INSERT INTO ${table}`) }, occurrence: { nth: 2 }, sqlstate: "40001" });
    const c = await client(proxy.port);
    try {
      await c.query(`INSERT INTO ${table} VALUES (1, 'one')`);
      const error = await failure(c.query(`INSERT INTO ${table} VALUES (2, 'two')`));
      expect([error.code, error.severity]).toEqual(["40001", "ERROR"]);
      await c.query(`INSERT INTO ${table} VALUES (3, 'three')`);
    } finally {
      await c.end();
    }
    expect((await direct<{ id: number }>(`SELECT id FROM ${table} ORDER BY id`)).map((row) => row.id)).toEqual([1, 3]);
    expect(rule.observations.matched.map((m) => m.fired)).toEqual([false, true, false]);
    expect(rule.observations.faulted).toMatchObject([{ occurrence: 2, sqlstate: "40001", kind: "query" }]);
  });

  it("faults prepared statements (Parse/Bind/Execute) and the session goes on", async () => {
    await using proxy = await startProxy();
    const table = await freshTable();
    proxy.addRule({ type: "error", match: { kind: "query", pattern: /^INSERT/ }, occurrence: { nth: 1 }, sqlstate: "23514" });
    const c = await client(proxy.port);
    try {
      const error = await failure(c.query(`INSERT INTO ${table} VALUES ($1, $2)`, [1, "one"]));
      expect(error.code).toBe("23514");
      await c.query(`INSERT INTO ${table} VALUES ($1, $2)`, [2, "two"]);
      await c.query({ name: "named-insert", text: `INSERT INTO ${table} VALUES ($1, $2)`, values: [3, "three"] });
      await c.query({ name: "named-insert", text: `INSERT INTO ${table} VALUES ($1, $2)`, values: [4, "four"] });
    } finally {
      await c.end();
    }
    expect((await direct<{ id: number }>(`SELECT id FROM ${table} ORDER BY id`)).map((row) => row.id)).toEqual([2, 3, 4]);
    const recorded = proxy.recording().statements.find((s) => s.statement === `INSERT INTO ${table} VALUES (?, ?)`);
    expect(recorded?.count).toBe(4);
  });

  it("inside a transaction the client is told it failed, ROLLBACK works, and no transaction stays open on the server", async () => {
    await using proxy = await startProxy();
    const table = await freshTable();
    proxy.addRule({ type: "error", match: { pattern: /INSERT/ }, occurrence: { nth: 2 }, sqlstate: "40P01" });
    const c = await client(proxy.port);
    try {
      await c.query("BEGIN");
      await c.query(`INSERT INTO ${table} VALUES ($1, 'kept until rollback')`, [1]);
      expect((await failure(c.query(`INSERT INTO ${table} VALUES (2, 'deadlock')`))).code).toBe("40P01");
      expect((await failure(c.query("SELECT 1"))).code).toBe("25P02");
      await c.query("ROLLBACK");
      expect((await c.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
      const open = await direct(`SELECT pid FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' OR backend_xid IS NOT NULL`);
      expect(open).toEqual([]);
    } finally {
      await c.end();
    }
    expect(await direct(`SELECT id FROM ${table}`)).toEqual([]);
  });

  it.each([
    ["40001", "ERROR"],
    ["40P01", "ERROR"],
    ["53300", "ERROR"],
    ["42501", "ERROR"],
    ["23514", "ERROR"],
    ["57P01", "FATAL"],
    ["08006", "FATAL"],
  ])("surfaces SQLSTATE %s with severity %s as a server would", async (sqlstate, severity) => {
    await using proxy = await startProxy();
    proxy.addRule({ type: "error", match: { pattern: /pg_sleep/ }, sqlstate });
    const c = await client(proxy.port);
    const ended = new Promise<void>((resolve) => c.once("end", () => resolve()));
    try {
      const error = await failure(c.query("SELECT pg_sleep(0)"));
      expect([error.code, error.severity]).toEqual([sqlstate, severity]);
      if (severity === "FATAL") {
        await ended;
        await expect(c.query("SELECT 1")).rejects.toThrow();
      } else {
        expect((await c.query("SELECT 2 AS two")).rows).toEqual([{ two: 2 }]);
      }
    } finally {
      await c.end().catch(() => undefined);
    }
  });

  it("a lost COMMIT acknowledgement: the client loses its connection, the server committed", async () => {
    await using proxy = await startProxy();
    const table = await freshTable();
    const rule = proxy.addRule({ type: "commitAckLost" });
    const c = await client(proxy.port);
    await c.query("BEGIN");
    await c.query(`INSERT INTO ${table} VALUES (1, 'committed unheard')`);
    const error = await failure(c.query("COMMIT"));
    expect(error.message).toMatch(/Connection terminated|ECONNRESET/);
    await c.end().catch(() => undefined);
    const [fault] = rule.observations.faulted;
    expect(fault?.xid).toMatch(/^\d+$/);
    expect(await lostAckOutcomes(server.connectionUri(), [fault!.xid!])).toEqual([{ xid: fault!.xid, status: "committed", committed: true }]);
    expect(await direct(`SELECT id FROM ${table}`)).toEqual([{ id: 1 }]);
  });

  it("cuts a COPY mid-stream after the given bytes: the client fails and no row arrives", async () => {
    await using proxy = await startProxy();
    const table = await freshTable();
    const rule = proxy.addRule({ type: "cutMidCopy", afterBytes: 100_000 });
    const c = await client(proxy.port);
    const rows = Array.from({ length: 50_000 }, (_, id) => `${id}\trow ${id}\n`);
    const error = await failure(pipeline(Readable.from(rows), c.query(copyFrom(`COPY ${table} FROM STDIN`))));
    expect(error).toBeInstanceOf(Error);
    await c.end().catch(() => undefined);
    expect(rule.observations.faulted).toMatchObject([{ table, bytesPassed: 100_000, atCopyEnd: false }]);
    expect(await direct(`SELECT count(*)::int AS n FROM ${table}`)).toEqual([{ n: 0 }]);
  });

  it("holds a matching statement for the given time and forwards it", async () => {
    await using proxy = await startProxy();
    const rule = proxy.addRule({ type: "hold", match: { pattern: /held/ }, delayMs: 400 });
    const c = await client(proxy.port);
    try {
      const heldStart = performance.now();
      expect((await c.query("SELECT 'held' AS v")).rows).toEqual([{ v: "held" }]);
      const heldMs = performance.now() - heldStart;
      const freeStart = performance.now();
      await c.query("SELECT 'free' AS v");
      const freeMs = performance.now() - freeStart;
      expect(heldMs).toBeGreaterThanOrEqual(400);
      expect(freeMs).toBeLessThan(400);
      expect(rule.observations.faulted[0]!.heldMs).toBeGreaterThanOrEqual(399);
    } finally {
      await c.end();
    }
  });

  it("resets the connection at the matching statement without forwarding it; removed rules stop applying", async () => {
    await using proxy = await startProxy();
    const table = await freshTable();
    const rule = proxy.addRule({ type: "reset", match: { pattern: /INSERT/ } });
    const c = await client(proxy.port);
    await failure(c.query(`INSERT INTO ${table} VALUES (1, 'never')`));
    await c.end().catch(() => undefined);
    expect(rule.observations.faulted).toHaveLength(1);
    await rule.remove();
    await rule.remove();
    const again = await client(proxy.port);
    try {
      await again.query(`INSERT INTO ${table} VALUES (2, 'after removal')`);
    } finally {
      await again.end();
    }
    expect(await direct(`SELECT id FROM ${table}`)).toEqual([{ id: 2 }]);
  });

  it("records connects, transaction control and distinct statements; declines SSL", async () => {
    await using proxy = await startProxy();
    const table = await freshTable();
    const c = await client(proxy.port);
    try {
      for (const id of [1, 2]) {
        await c.query("BEGIN");
        await c.query(`INSERT INTO ${table} VALUES (${id}, 'n')`);
        await c.query("COMMIT");
      }
    } finally {
      await c.end();
    }
    const recording = proxy.recording();
    expect(recording).toMatchObject({ connects: 1, begins: 2, commits: 2, rollbacks: 0 });
    expect(recording.statements).toContainEqual({ statement: `INSERT INTO ${table} VALUES (?, ?)`, kind: "query", count: 2 });
    const socket = connect({ host: "127.0.0.1", port: proxy.port });
    const answer = await new Promise<string>((resolve, reject) => {
      socket.once("data", (data) => resolve(data.toString()));
      socket.once("error", reject);
      const request = Buffer.alloc(8);
      request.writeInt32BE(8, 0);
      request.writeInt32BE(80_877_103, 4);
      socket.write(request);
    });
    socket.destroy();
    expect(answer).toBe("N");
  });

  it("stop closes every connection", async () => {
    const proxy = await startProxy();
    const clients = await Promise.all([1, 2, 3].map(() => client(proxy.port)));
    expect(proxy.openConnections).toBe(3);
    await proxy.stop();
    await proxy.stop();
    for (const c of clients) await expect(c.query("SELECT 1")).rejects.toThrow();
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  });
});

