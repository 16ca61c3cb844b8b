import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { from as copyFrom } from "pg-copy-streams";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresServer } from "../embedded/index.ts";
import { failure, PostgresTestKit } from "./postgres-test-kit.ts";

let kit: PostgresTestKit;

beforeAll(async () => {
  kit = new PostgresTestKit(await PostgresServer.start());
});

afterAll(async () => {
  await kit?.stop();
});

describe("the proxy's error rule", () => {
  it("answers only the Nth matching statement with the chosen SQLSTATE, without forwarding it", async () => {
    await using proxy = await kit.proxy();
    const table = await kit.freshTable();
    const rule = proxy.addRule({ type: "error", match: { pattern: new RegExp(`INSERT INTO ${table}`) }, occurrence: { nth: 2 }, sqlstate: "40001" });
    const c = await kit.client(proxy.port);
    try {
      await c.query(`INSERT INTO ${table} VALUES (1, 'one')`);
      const error = await failure(c.query(`INSERT INTO ${table} VALUES (2, 'two')`));
      expect([error.code, error.severity]).toEqual(["40001", "ERROR"]);
      await c.query(`INSERT INTO ${table} VALUES (3, 'three')`);
    } finally {
      await c.end();
    }
    expect(await kit.ids(table)).toEqual([1, 3]);
    expect(rule.observations.matched.map((m) => m.fired)).toEqual([false, true, false]);
    expect(rule.observations.faulted).toMatchObject([{ occurrence: 2, sqlstate: "40001", kind: "query" }]);
  });

  it("faults prepared statements (Parse/Bind/Execute), and the session goes on with unnamed and named statements", async () => {
    await using proxy = await kit.proxy();
    const table = await kit.freshTable();
    proxy.addRule({ type: "error", match: { kind: "query", pattern: /^INSERT/ }, occurrence: { nth: 1 }, sqlstate: "23514" });
    const c = await kit.client(proxy.port);
    try {
      expect((await failure(c.query(`INSERT INTO ${table} VALUES ($1, $2)`, [1, "one"]))).code).toBe("23514");
      await c.query(`INSERT INTO ${table} VALUES ($1, $2)`, [2, "two"]);
      await c.query({ name: "named-insert", text: `INSERT INTO ${table} VALUES ($1, $2)`, values: [3, "three"] });
      await c.query({ name: "named-insert", text: `INSERT INTO ${table} VALUES ($1, $2)`, values: [4, "four"] });
    } finally {
      await c.end();
    }
    expect(await kit.ids(table)).toEqual([2, 3, 4]);
    expect(proxy.recording().statements.find((s) => s.statement === `INSERT INTO ${table} VALUES (?, ?)`)?.count).toBe(4);
  });

  it("inside a transaction the client is told it failed, ROLLBACK works, and no transaction stays open on the server", async () => {
    await using proxy = await kit.proxy();
    const table = await kit.freshTable();
    proxy.addRule({ type: "error", match: { pattern: /INSERT/ }, occurrence: { nth: 2 }, sqlstate: "40P01" });
    const c = await kit.client(proxy.port);
    try {
      await c.query("BEGIN");
      await c.query(`INSERT INTO ${table} VALUES ($1, 'kept until rollback')`, [1]);
      expect((await failure(c.query(`INSERT INTO ${table} VALUES (2, 'deadlock')`))).code).toBe("40P01");
      expect((await failure(c.query("SELECT 1"))).code).toBe("25P02");
      await c.query("ROLLBACK");
      expect((await c.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
      expect(await kit.direct(`SELECT pid FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' OR backend_xid IS NOT NULL`)).toEqual([]);
    } finally {
      await c.end();
    }
    expect(await kit.ids(table)).toEqual([]);
  });

  it("an error at COMMIT ends the transaction as on a real server: nothing committed, the session is idle", async () => {
    await using proxy = await kit.proxy();
    const table = await kit.freshTable();
    proxy.addRule({ type: "error", match: { kind: "commit" }, sqlstate: "40001" });
    const c = await kit.client(proxy.port);
    try {
      await c.query("BEGIN");
      await c.query(`INSERT INTO ${table} VALUES (1, 'serialization failure at commit')`);
      expect((await failure(c.query("COMMIT"))).code).toBe("40001");
      await c.query(`INSERT INTO ${table} VALUES (2, 'autocommitted')`);
    } finally {
      await c.end();
    }
    expect(await kit.ids(table)).toEqual([2]);
  });

  it("fails a COPY before any data: pg-copy-streams surfaces the SQLSTATE and no row arrives", async () => {
    await using proxy = await kit.proxy();
    const table = await kit.freshTable();
    proxy.addRule({ type: "error", match: { kind: "copy" }, sqlstate: "53300" });
    const c = await kit.client(proxy.port);
    try {
      const error = await failure(pipeline(Readable.from(["1\tone\n", "2\ttwo\n"]), c.query(copyFrom(`COPY ${table} FROM STDIN`))));
      expect(error.code).toBe("53300");
      expect((await c.query("SELECT 3 AS three")).rows).toEqual([{ three: 3 }]);
    } finally {
      await c.end();
    }
    expect(await kit.ids(table)).toEqual([]);
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
    await using proxy = await kit.proxy();
    proxy.addRule({ type: "error", match: { pattern: /pg_sleep/ }, sqlstate });
    const c = await kit.client(proxy.port);
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

  it("an injected 57P01 looks to pg like a real administrator shutdown of the backend", async () => {
    const observe = async (c: Awaited<ReturnType<PostgresTestKit["client"]>>, cause: () => Promise<unknown>) => {
      const ended = new Promise<void>((resolve) => c.once("end", () => resolve()));
      const running = failure(c.query("SELECT pg_sleep(2)"));
      await cause();
      const error = await running;
      await ended;
      await c.end().catch(() => undefined);
      return { code: error.code, severity: error.severity, name: error.name };
    };
    const real = await kit.client();
    const [{ pid }] = (await real.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows as [{ pid: number }];
    const fromServer = await observe(real, async () => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await kit.direct("SELECT pg_terminate_backend($1)", [pid]);
    });
    await using proxy = await kit.proxy();
    proxy.addRule({ type: "error", match: { pattern: /pg_sleep/ }, sqlstate: "57P01" });
    const injected = await observe(await kit.client(proxy.port), async () => undefined);
    expect(fromServer).toEqual({ code: "57P01", severity: "FATAL", name: "error" });
    expect(injected).toEqual(fromServer);
  });

  it("a FATAL error inside a transaction leaves no transaction open on the server", async () => {
    await using proxy = await kit.proxy();
    const table = await kit.freshTable();
    proxy.addRule({ type: "error", match: { pattern: /note/ }, sqlstate: "57P01" });
    const c = await kit.client(proxy.port);
    await c.query("BEGIN");
    await c.query(`INSERT INTO ${table} VALUES (1, 'x')`);
    expect((await failure(c.query(`SELECT note FROM ${table}`))).code).toBe("57P01");
    await c.end().catch(() => undefined);
    const deadline = Date.now() + 5_000;
    while ((await kit.direct(`SELECT pid FROM pg_stat_activity WHERE backend_xid IS NOT NULL`)).length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await kit.direct(`SELECT pid FROM pg_stat_activity WHERE backend_xid IS NOT NULL`)).toEqual([]);
    expect(await kit.ids(table)).toEqual([]);
  });
});
