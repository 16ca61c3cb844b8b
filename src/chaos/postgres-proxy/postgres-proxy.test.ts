import { createHash } from "node:crypto";
import { connect, createServer, type AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { from as copyFrom } from "pg-copy-streams";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresServer } from "../embedded/index.ts";
import { lostAckOutcomes } from "./index.ts";
import { PostgresProxy } from "./postgres-proxy.ts";
import { failure, PostgresTestKit, type ObservingClient } from "./postgres-test-kit.ts";

let kit: PostgresTestKit;

beforeAll(async () => {
  kit = new PostgresTestKit(await PostgresServer.start());
});

afterAll(async () => {
  await kit?.stop();
});

/** A loopback port nothing listens on (bound, then released). */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function copyInto(c: ObservingClient, table: string, rows: string[]): Promise<void> {
  return pipeline(Readable.from(rows), c.query(copyFrom(`COPY ${table} (id, note) FROM STDIN`)));
}

describe("the protocol-aware Postgres proxy", () => {
  it("passes a large COPY and prepared statements through byte for byte", async () => {
    await using proxy = await kit.proxy();
    const table = await kit.freshTable();
    const rows = Array.from({ length: 60_000 }, (_, id) => `${id}\tnote ${id} ${"x".repeat(id % 97)}\n`);
    const c = await kit.client(proxy.port);
    try {
      await copyInto(c, table, rows);
      const { rows: found } = await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE id >= $1`, [0]);
      expect(found[0]!.n).toBe("60000");
    } finally {
      await c.end();
    }
    const expected = createHash("md5")
      .update(rows.map((row) => row.split("\t")[1]!.replace(/\n$/, "")).join(","))
      .digest("hex");
    const [stored] = await kit.direct<{ digest: string }>(`SELECT md5(string_agg(note, ',' ORDER BY id)) AS digest FROM ${table}`);
    expect(stored!.digest).toBe(expected);
    expect(proxy.recording().copies).toEqual({ [table]: 1 });
  });

  it("handles many connections at once; the Nth match over all of them fails and no other", async () => {
    await using proxy = await kit.proxy();
    const table = await kit.freshTable();
    const rule = proxy.addRule({ type: "error", match: { pattern: /^INSERT/ }, occurrence: { nth: 7 }, sqlstate: "40001" });
    const clients = await Promise.all(Array.from({ length: 12 }, () => kit.client(proxy.port)));
    try {
      const outcomes = await Promise.allSettled(clients.map((c, i) => c.query(`INSERT INTO ${table} VALUES ($1, 'parallel')`, [i])));
      expect(outcomes.filter((o) => o.status === "rejected").map((o) => (o as PromiseRejectedResult).reason.code)).toEqual(["40001"]);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
    expect(await kit.ids(table)).toHaveLength(11);
    expect(rule.observations.matched).toHaveLength(12);
  });

  it("a lost COMMIT acknowledgement: the client loses its connection, the server committed", async () => {
    await using proxy = await kit.proxy();
    const table = await kit.freshTable();
    const rule = proxy.addRule({ type: "commitAckLost" });
    const c = await kit.client(proxy.port);
    await c.query("BEGIN");
    await c.query(`INSERT INTO ${table} VALUES (1, 'committed unheard')`);
    const error = await failure(c.query("COMMIT"));
    expect(error.message).toMatch(/Connection terminated|ECONNRESET/);
    await c.end().catch(() => undefined);
    const [fault] = rule.observations.faulted;
    expect(fault?.xid).toMatch(/^\d+$/);
    expect(await lostAckOutcomes(kit.server.connectionUri(), [fault!.xid!])).toEqual([{ xid: fault!.xid, status: "committed", committed: true }]);
    expect(await kit.ids(table)).toEqual([1]);
  });

  it("matches the COMMIT of a transaction that ran a given statement, COPY included, and no other COMMIT", async () => {
    await using proxy = await kit.proxy();
    const [plain, copied] = [await kit.freshTable(), await kit.freshTable()];
    const rule = proxy.addRule({
      type: "commitAckLost",
      match: { kind: "commit", inTransactionWith: new RegExp(`^COPY ${copied}\\b`) },
      occurrence: { nth: 2 },
    });
    const c = await kit.client(proxy.port);
    const transaction = async (work: () => Promise<unknown>) => {
      await c.query("BEGIN");
      await work();
      await c.query("COMMIT");
    };
    await transaction(() => c.query(`INSERT INTO ${plain} VALUES (1, 'plain')`));
    await transaction(() => copyInto(c, copied, ["1\tfirst\n"]));
    await transaction(() => c.query(`INSERT INTO ${plain} VALUES (2, 'plain')`));
    await c.query(`INSERT INTO ${copied} VALUES (99, 'autocommit, outside any block')`);
    const lost = await failure(transaction(() => copyInto(c, copied, ["2\tsecond\n"])));
    expect(lost.message).toMatch(/Connection terminated|ECONNRESET/);
    await c.end().catch(() => undefined);
    expect(rule.observations.matched.map((m) => m.statement)).toEqual(["COMMIT", "COMMIT"]);
    expect(rule.observations.faulted).toHaveLength(1);
    const [outcome] = await lostAckOutcomes(kit.server.connectionUri(), [rule.observations.faulted[0]!.xid!]);
    expect(outcome?.committed).toBe(true);
    expect(await kit.ids(copied)).toEqual([1, 2, 99]);
  });

  it("passes a server that refuses the connection on as a reset (a partition behind the proxy)", async () => {
    const closed = await PostgresProxy.start({ upstream: { host: "127.0.0.1", port: await unusedPort() } });
    try {
      const socket = connect({ host: "127.0.0.1", port: closed.port });
      const ended = await new Promise<NodeJS.ErrnoException | "closed">((resolve) => {
        socket.on("error", resolve);
        socket.on("close", () => resolve("closed"));
      });
      expect(ended).not.toBe("closed");
      expect((ended as NodeJS.ErrnoException).code).toBe("ECONNRESET");
    } finally {
      await closed.stop();
    }
  });

  it("cuts a COPY mid-stream after the given bytes: the client fails and no row arrives", async () => {
    await using proxy = await kit.proxy();
    const table = await kit.freshTable();
    const rule = proxy.addRule({ type: "cutMidCopy", afterBytes: 100_000 });
    const c = await kit.client(proxy.port);
    await failure(
      copyInto(
        c,
        table,
        Array.from({ length: 50_000 }, (_, id) => `${id}\trow ${id}\n`),
      ),
    );
    await c.end().catch(() => undefined);
    expect(rule.observations.faulted).toMatchObject([{ table, bytesPassed: 100_000, atCopyEnd: false }]);
    expect(await kit.ids(table)).toEqual([]);
  });

  it("cuts only the Nth COPY, after M CopyData messages", async () => {
    await using proxy = await kit.proxy();
    const [first, second] = [await kit.freshTable(), await kit.freshTable()];
    const rule = proxy.addRule({ type: "cutMidCopy", occurrence: { nth: 2 }, afterMessages: 3 });
    const rows = Array.from({ length: 10 }, (_, id) => `${id}\tr\n`);
    const c = await kit.client(proxy.port);
    await copyInto(c, first, rows);
    await failure(copyInto(c, second, rows));
    await c.end().catch(() => undefined);
    expect(rule.observations.faulted).toMatchObject([{ table: second, messagesPassed: 3 }]);
    expect([(await kit.ids(first)).length, (await kit.ids(second)).length]).toEqual([10, 0]);
  });

  it("holds a matching statement for the given time and forwards it, simple and prepared alike", async () => {
    await using proxy = await kit.proxy();
    const rule = proxy.addRule({ type: "hold", match: { pattern: /AS held/ }, delayMs: 400 });
    const c = await kit.client(proxy.port);
    try {
      const heldStart = performance.now();
      expect((await c.query("SELECT $1::text AS held", ["prepared"])).rows).toEqual([{ held: "prepared" }]);
      expect((await c.query("SELECT 'simple' AS held")).rows).toEqual([{ held: "simple" }]);
      const heldMs = performance.now() - heldStart;
      const freeStart = performance.now();
      await c.query("SELECT 'free' AS v");
      const freeMs = performance.now() - freeStart;
      expect(heldMs).toBeGreaterThanOrEqual(800);
      expect(freeMs).toBeLessThan(400);
      expect(rule.observations.faulted.map((f) => [f.statement, f.heldMs >= 399])).toEqual([
        ["SELECT ?::text AS held", true],
        ["SELECT ? AS held", true],
      ]);
    } finally {
      await c.end();
    }
  });

  it("resets the connection at the matching statement without forwarding it; removed rules stop applying", async () => {
    await using proxy = await kit.proxy();
    const table = await kit.freshTable();
    const rule = proxy.addRule({ type: "reset", match: { pattern: /INSERT/ } });
    const c = await kit.client(proxy.port);
    await failure(c.query(`INSERT INTO ${table} VALUES (1, 'never')`));
    await c.end().catch(() => undefined);
    expect(rule.observations.faulted).toHaveLength(1);
    await rule.remove();
    await rule.remove();
    const again = await kit.client(proxy.port);
    try {
      await again.query(`INSERT INTO ${table} VALUES (2, 'after removal')`);
    } finally {
      await again.end();
    }
    expect(await kit.ids(table)).toEqual([2]);
  });

  it("records connects, transaction control and distinct statements; declines SSL", async () => {
    await using proxy = await kit.proxy();
    const table = await kit.freshTable();
    const c = await kit.client(proxy.port);
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
    const proxy = await kit.proxy();
    const clients = await Promise.all([1, 2, 3].map(() => kit.client(proxy.port)));
    expect(proxy.openConnections).toBe(3);
    await proxy.stop();
    await proxy.stop();
    for (const c of clients) await expect(c.query("SELECT 1")).rejects.toThrow();
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  });
});
