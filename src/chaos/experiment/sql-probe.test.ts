import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresServer } from "../embedded/index.ts";
import { freePort } from "../env-kit/index.ts";
import { sqlProbe } from "./sql-probe.ts";
import { sampleOnce } from "./testing/probe-context.ts";

let server: PostgresServer;
let url: string;

beforeAll(async () => {
  server = await PostgresServer.start();
  await server.createDatabase("shop");
  url = server.connectionUri("shop");
  const client = new pg.Client(url);
  await client.connect();
  try {
    await client.query("CREATE TABLE orders (id int PRIMARY KEY, total numeric(10,2), note text)");
    await client.query("INSERT INTO orders VALUES (1, 9.50, 'first'), (2, 20.00, NULL), (3, 5.25, 'third')");
  } finally {
    await client.end();
  }
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe("sqlProbe against a real PostgreSQL", () => {
  it("compares the query's single value: at least, at most, equals", async () => {
    expect(await sampleOnce(sqlProbe({ name: "orders", url, query: "SELECT count(*) FROM orders", expect: { atLeast: 3 } }))).toMatchObject({
      value: 3,
      ok: true,
    });
    expect(await sampleOnce(sqlProbe({ name: "orders", url, query: "SELECT count(*) FROM orders", expect: { atMost: 2 } }))).toMatchObject({
      value: 3,
      ok: false,
    });
    expect(await sampleOnce(sqlProbe({ name: "revenue", url, query: "SELECT sum(total) FROM orders", expect: { equals: 34.75 } }))).toMatchObject({
      value: 34.75,
      ok: true,
    });
    expect(await sampleOnce(sqlProbe({ name: "orders", url, query: "SELECT count(*) FROM orders", expect: { atLeast: 1, atMost: 3 } }))).toMatchObject({
      value: 3,
      ok: true,
    });
  });

  it("takes a predicate, and a boolean as 1 or 0", async () => {
    const odd = (value: number) => value % 2 === 1;
    expect(await sampleOnce(sqlProbe({ name: "odd", url, query: "SELECT count(*) FROM orders", expect: odd }))).toMatchObject({ value: 3, ok: true });
    expect(await sampleOnce(sqlProbe({ name: "odd", url, query: "SELECT count(*) - 1 FROM orders", expect: odd }))).toMatchObject({ value: 2, ok: false });
    expect(await sampleOnce(sqlProbe({ name: "has nulls", url, query: "SELECT bool_or(note IS NULL) FROM orders", expect: { equals: 0 } }))).toMatchObject({
      value: 1,
      ok: false,
    });
  });

  it("records anything but exactly one numeric value as a failed sample saying what came back", async () => {
    const error = async (query: string) => (await sampleOnce(sqlProbe({ name: "q", url, query, expect: { atLeast: 0 } }))).error;
    expect(await error("SELECT id FROM orders")).toBe("the query returned 3 row(s) of 1 column(s); a probe needs exactly one value");
    expect(await error("SELECT id, total FROM orders WHERE id = 1")).toBe("the query returned 1 row(s) of 2 column(s); a probe needs exactly one value");
    expect(await error("SELECT note FROM orders WHERE id = 2")).toBe("the query returned NULL");
    expect(await error("SELECT note FROM orders WHERE id = 1")).toBe('the query returned "first", not a number');
    expect(await error("SELECT count(*) FROM no_such_table")).toBe('the query failed: relation "no_such_table" does not exist');
  });

  it("gives up at its timeout", async () => {
    const started = performance.now();
    const sample = await sampleOnce(sqlProbe({ name: "slow", url, query: "SELECT 1 FROM pg_sleep(5)", expect: { equals: 1 }, timeoutMs: 300 }));
    expect(sample).toMatchObject({ value: null, ok: false });
    expect(sample.error).toMatch(/timeout/i);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("never shows the password: not in its tolerance, not in a connection error", async () => {
    const probe = sqlProbe({ name: "orders", url, query: "SELECT count(*)\n  FROM orders", expect: { atLeast: 1 }, unit: "rows" });
    expect(probe.declaration({ baselineThroughput: 0 })).toEqual({
      name: "orders",
      unit: "rows",
      role: "hypothesis",
      tolerance: "SELECT count(*) FROM orders returns >= 1 rows",
    });

    const wrongPassword = url.replace(`:${encodeURIComponent(server.password)}@`, ":not-the-password@");
    const denied = await sampleOnce(sqlProbe({ name: "orders", url: wrongPassword, query: "SELECT 1", expect: { equals: 1 } }));
    expect(denied.error).toContain("password authentication failed for user");
    expect(denied.error).not.toContain("not-the-password");
    const refused = await sampleOnce(
      sqlProbe({ name: "orders", url: url.replace(`:${server.port}/`, `:${await freePort()}/`), query: "SELECT 1", expect: { equals: 1 } }),
    );
    expect(refused.error).toContain("ECONNREFUSED");
    expect(refused.error).not.toContain(server.password);
  });

  it("reads its URL from the probe context when given a function", async () => {
    const probe = sqlProbe({ name: "orders", url: () => url, query: "SELECT count(*) FROM orders", expect: { equals: 3 } });
    expect(await sampleOnce(probe)).toMatchObject({ value: 3, ok: true });
  });

  it("refuses a bad declaration with an error naming the field", () => {
    expect(() => sqlProbe({ name: "q", url, query: " ", expect: { atLeast: 1 } })).toThrow('sqlProbe "q": query is required');
    expect(() => sqlProbe({ name: "q", url, query: "SELECT 1", expect: {} })).toThrow('sqlProbe "q": expect needs atLeast, atMost or equals');
    expect(() => sqlProbe({ name: "q", url, query: "SELECT 1", expect: { atLeast: 5, atMost: 1 } })).toThrow(
      'sqlProbe "q": expect.atLeast (5) is above atMost (1)',
    );
    expect(() => sqlProbe({ name: "q", url, query: "SELECT 1", expect: { atLeast: Number.NaN } })).toThrow(
      'sqlProbe "q": expect.atLeast must be a finite number',
    );
    expect(() => sqlProbe({ name: "q", url, query: "SELECT 1", expect: { atLeast: 1 }, timeoutMs: 0 })).toThrow(
      'sqlProbe "q": timeoutMs must be a positive number',
    );
  });
});
