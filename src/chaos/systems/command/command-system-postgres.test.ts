import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresServer } from "../../embedded/index.ts";
import { judgeOutput, readOutput } from "./integrity-oracle.ts";
import { progressReader } from "./progress-reader.ts";

// A command system's SQL paths against a real PostgreSQL: progress read by a query, and both kinds of integrity oracle.
let server: PostgresServer;
let url: string;

beforeAll(async () => {
  server = await PostgresServer.start();
  await server.createDatabase("items");
  url = server.connectionUri("items");
  await query("CREATE TABLE synced_item (id int PRIMARY KEY, name text NOT NULL); INSERT INTO synced_item VALUES (1, 'a'), (2, 'b'), (3, 'c')");
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

async function query(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe("progressReader on SQL", () => {
  it("reads done and retries from queries on the run's database, and follows the table as it grows", async () => {
    const reader = progressReader({ kind: "sql", done: "SELECT count(*) FROM synced_item", retries: "SELECT 2" }, { databaseUrl: url, port: undefined });
    try {
      expect(await reader.read()).toEqual({ objectsDone: 3, retries: 2, pairsWritten: 0, quarantined: 0 });
      await query("INSERT INTO synced_item VALUES (4, 'd')");
      expect((await reader.read()).objectsDone).toBe(4);
    } finally {
      await reader.close();
      await query("DELETE FROM synced_item WHERE id = 4");
    }
  });

  it("fails a reading whose query errs or returns no number, naming the query", async () => {
    const missing = progressReader({ kind: "sql", done: "SELECT count(*) FROM not_created_yet" }, { databaseUrl: url, port: undefined });
    const empty = progressReader({ kind: "sql", done: "SELECT NULL" }, { databaseUrl: url, port: undefined });
    try {
      await expect(missing.read()).rejects.toThrow(/relation "not_created_yet" does not exist/);
      await expect(empty.read()).rejects.toThrow('progress query "SELECT NULL" returned no number');
    } finally {
      await Promise.all([missing.close(), empty.close()]);
    }
  });
});

/** A canonical dump as a user's oracle command would print it: it reads the database it is given in DATABASE_URL, one line per row. */
const DUMP = `const pg = require("pg");
const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
client.connect().then(() => client.query("SELECT id, name FROM synced_item ORDER BY id"))
  .then((result) => { for (const row of result.rows) console.log(row.id + " " + row.name); return client.end(); })
  .catch((error) => { console.error(error.message); process.exit(3); });`;

describe("the integrity oracle", () => {
  it("SQL: each query's rows as JSON arrays, a changed row named by its first column", async () => {
    const oracle = { kind: "sql", queries: { synced_item: "SELECT id, name FROM synced_item ORDER BY id" } } as const;
    const golden = await readOutput(oracle, url);
    expect(golden).toEqual({ synced_item: ['[1,"a"]', '[2,"b"]', '[3,"c"]'] });
    await query("UPDATE synced_item SET name = 'B' WHERE id = 2");
    try {
      const verdict = judgeOutput(golden, await readOutput(oracle, url), 3);
      expect(verdict).toMatchObject({ ok: false, mismatched: ['synced_item 2: [2,"B"] instead of [2,"b"]'], lostCount: 0, extraCount: 0 });
    } finally {
      await query("UPDATE synced_item SET name = 'b' WHERE id = 2");
    }
  });

  it("command: run with the run's database in DATABASE_URL, its output lines compared with the golden run's", async () => {
    const oracle = { kind: "command", command: process.execPath, args: ["-e", DUMP] } as const;
    const golden = await readOutput(oracle, url);
    expect(golden).toEqual({ output: ["1 a", "2 b", "3 c"] });
    expect(judgeOutput(golden, await readOutput(oracle, url), 3)).toMatchObject({
      ok: true,
      summary: "identical to the golden run: 3 rows of output",
      counts: { rows: { output: { golden: 3, experiment: 3 } } },
    });

    await query("DELETE FROM synced_item WHERE id = 3; INSERT INTO synced_item VALUES (5, 'e')");
    try {
      const verdict = judgeOutput(golden, await readOutput(oracle, url), 3);
      expect(verdict).toMatchObject({ ok: false, lost: ["output 3 c"], extra: ["output 5 e"], counts: { rows: { output: { golden: 3, experiment: 3 } } } });
      expect(verdict.summary).toBe("1 row lost, 1 row extra (e.g. output 3 c)");
    } finally {
      await query("DELETE FROM synced_item WHERE id = 5; INSERT INTO synced_item VALUES (3, 'c')");
    }
  });

  it("command: a command that fails is an error, not an empty output", async () => {
    await expect(readOutput({ kind: "command", command: process.execPath, args: ["-e", "process.exit(3)"] }, url)).rejects.toThrow(/Command failed/);
  });
});
