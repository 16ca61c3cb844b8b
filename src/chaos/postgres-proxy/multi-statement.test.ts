import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresServer } from "../embedded/index.ts";
import { lostAckOutcomes } from "./index.ts";
import { failure, multiStatementQuery, PostgresTestKit } from "./postgres-test-kit.ts";

let kit: PostgresTestKit;

beforeAll(async () => {
  kit = new PostgresTestKit(await PostgresServer.start());
});

afterAll(async () => {
  await kit?.stop();
});

const rows = (ids: number[], note = "n") => ids.map((id) => `${id}\t${note} ${id}\n`);

/** The extraction writer's shape: two COPYs and the COMMIT in one Query, the data of both right behind it. */
const copyCopyCommit = (a: string, b: string) => `COPY ${a} (id, note) FROM STDIN; COPY ${b} (id, note) FROM STDIN; COMMIT`;

describe("the proxy with several statements in one simple Query", () => {
  it("passes two COPYs and a COMMIT in one Query through intact, and records each statement on its own", async () => {
    await using proxy = await kit.proxy();
    const [a, b] = [await kit.freshTable(), await kit.freshTable()];
    const c = await kit.client(proxy.port);
    try {
      await c.query("BEGIN");
      const tags = await multiStatementQuery(c, copyCopyCommit(a, b), [rows([1, 2, 3]), rows([10, 20])]);
      expect(tags).toEqual(["COPY 3", "COPY 2", "COMMIT"]);
      expect((await c.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    } finally {
      await c.end();
    }
    expect([await kit.ids(a), await kit.ids(b)]).toEqual([
      [1, 2, 3],
      [10, 20],
    ]);
    const recording = proxy.recording();
    expect(recording).toMatchObject({ begins: 1, commits: 1, copies: { [a]: 1, [b]: 1 } });
    expect(recording.statements.map((s) => [s.statement, s.kind])).toEqual([
      ["BEGIN", "begin"],
      [`COPY ${a} (id, note) FROM STDIN`, "copy"],
      [`COPY ${b} (id, note) FROM STDIN`, "copy"],
      ["COMMIT", "commit"],
      ["SELECT ? AS one", "query"],
    ]);
  });

  it("loses the acknowledgement of the Query's COMMIT, matched by a COPY earlier in the same Query: the client loses its connection, the server committed", async () => {
    await using proxy = await kit.proxy();
    const [a, b] = [await kit.freshTable(), await kit.freshTable()];
    const rule = proxy.addRule({ type: "commitAckLost", match: { kind: "commit", inTransactionWith: new RegExp(`^COPY ${a}\\b`) } });
    const c = await kit.client(proxy.port);
    await c.query("BEGIN");
    const lost = await failure(multiStatementQuery(c, copyCopyCommit(a, b), [rows([1, 2]), rows([7])]));
    expect(lost.message).toMatch(/Connection terminated|ECONNRESET/);
    await c.end().catch(() => undefined);
    expect(rule.observations.matched.map((m) => [m.statement, m.fired])).toEqual([["COMMIT", true]]);
    const [fault] = rule.observations.faulted;
    expect(fault).toMatchObject({ kind: "commit", statement: "COMMIT", occurrence: 1 });
    expect(fault?.xid).toMatch(/^\d+$/);
    expect(await lostAckOutcomes(kit.server.connectionUri(), [fault!.xid!])).toEqual([{ xid: fault!.xid, status: "committed", committed: true }]);
    expect([await kit.ids(a), await kit.ids(b)]).toEqual([[1, 2], [7]]);
  });

  it("loses the acknowledgement of a COMMIT whose block the same Query began, without an xid to look up", async () => {
    await using proxy = await kit.proxy();
    const table = await kit.freshTable();
    const rule = proxy.addRule({ type: "commitAckLost" });
    const c = await kit.client(proxy.port);
    const lost = await failure(c.query(`BEGIN; INSERT INTO ${table} VALUES (5, 'begun and committed in one Query'); COMMIT`));
    expect(lost.message).toMatch(/Connection terminated|ECONNRESET/);
    await c.end().catch(() => undefined);
    expect(rule.observations.faulted).toMatchObject([{ statement: "COMMIT", xid: undefined }]);
    expect(await kit.ids(table)).toEqual([5]);
  });

  it("an error on the 2nd statement answers the whole Query: none of it runs, the block is failed until ROLLBACK", async () => {
    await using proxy = await kit.proxy();
    const [a, b] = [await kit.freshTable(), await kit.freshTable()];
    const rule = proxy.addRule({ type: "error", match: { pattern: new RegExp(`^(COPY|INSERT INTO) ${b}\\b`) }, sqlstate: "40P01" });
    const c = await kit.client(proxy.port);
    try {
      await c.query("BEGIN");
      const error = await failure(multiStatementQuery(c, copyCopyCommit(a, b), [rows([1]), rows([2])]));
      expect([error.code, error.severity]).toEqual(["40P01", "ERROR"]);
      expect((await failure(c.query("SELECT 1"))).code).toBe("25P02");
      await c.query("ROLLBACK");
      expect((await c.query("SELECT 2 AS two")).rows).toEqual([{ two: 2 }]);
      // Outside a block the Query is one implicit transaction: its first statement does not stay either.
      const implicit = await failure(c.query(`INSERT INTO ${a} VALUES (3, 'first'); INSERT INTO ${b} VALUES (4, 'second')`));
      expect(implicit.code).toBe("40P01");
      expect((await c.query("SELECT 3 AS three")).rows).toEqual([{ three: 3 }]);
      // A block the Query itself begins is failed too, as on a server.
      expect((await failure(c.query(`BEGIN; INSERT INTO ${b} VALUES (5, 'in a block begun here')`))).code).toBe("40P01");
      expect((await failure(c.query("SELECT 4"))).code).toBe("25P02");
      await c.query("ROLLBACK");
      expect((await c.query("SELECT 5 AS five")).rows).toEqual([{ five: 5 }]);
    } finally {
      await c.end();
    }
    expect(rule.observations.faulted).toMatchObject([
      { occurrence: 1, kind: "copy", statement: `COPY ${b} (id, note) FROM STDIN`, sqlstate: "40P01" },
      { occurrence: 2, kind: "query", statement: `INSERT INTO ${b} VALUES (?, ?)` },
      { occurrence: 3, kind: "query", statement: `INSERT INTO ${b} VALUES (?, ?)` },
    ]);
    expect([await kit.ids(a), await kit.ids(b)]).toEqual([[], []]);
    expect(await kit.direct(`SELECT pid FROM pg_stat_activity WHERE backend_xid IS NOT NULL`)).toEqual([]);
  });

  it("counts occurrences over statements, not Queries: the 3rd INSERT is the first of the second Query", async () => {
    await using proxy = await kit.proxy();
    const table = await kit.freshTable();
    const rule = proxy.addRule({ type: "error", match: { pattern: /^INSERT/ }, occurrence: { nth: 3 }, sqlstate: "40001" });
    const insert = (id: number) => `INSERT INTO ${table} VALUES (${id}, 'n')`;
    const c = await kit.client(proxy.port);
    try {
      await c.query(`${insert(1)}; SELECT 1; ${insert(2)}`);
      expect((await failure(c.query(`${insert(3)}; ${insert(4)}`))).code).toBe("40001");
      await c.query(`${insert(5)}; ${insert(6)}`);
    } finally {
      await c.end();
    }
    expect(await kit.ids(table)).toEqual([1, 2, 5, 6]);
    expect(rule.observations.matched.map((m) => [m.occurrence, m.fired])).toEqual([
      [1, false],
      [2, false],
      [3, true],
      [4, false],
      [5, false],
    ]);
  });

  it("holds the whole Query for a rule on its 2nd statement, and counts the statements before and after", async () => {
    await using proxy = await kit.proxy();
    const rule = proxy.addRule({ type: "hold", match: { pattern: /AS held/ }, delayMs: 400 });
    const c = await kit.client(proxy.port);
    try {
      const started = performance.now();
      await c.query("SELECT 1 AS free; SELECT 2 AS held; SELECT 3 AS free");
      expect(performance.now() - started).toBeGreaterThanOrEqual(400);
    } finally {
      await c.end();
    }
    expect(rule.observations.faulted).toMatchObject([{ statement: "SELECT ? AS held" }]);
    expect(proxy.recording().statements.find((s) => s.statement === "SELECT ? AS free")?.count).toBe(2);
  });

  it("cuts the 2nd COPY of a Query after its own 3rd CopyData: the server read all of the 1st COPY and those 3 rows", async () => {
    await using proxy = await kit.proxy();
    const suffix = Math.random().toString(36).slice(2, 8);
    const [a, b, counter] = [`seq_a_${suffix}`, `seq_b_${suffix}`, `copy_counter_${suffix}`];
    await kit.direct(`CREATE SEQUENCE ${counter}`);
    for (const table of [a, b]) await kit.direct(`CREATE TABLE ${table} (note text, n bigint DEFAULT nextval('${counter}'))`);
    const rule = proxy.addRule({ type: "cutMidCopy", match: { kind: "copy", pattern: new RegExp(`^COPY ${b}\\b`) }, afterMessages: 3 });
    const c = await kit.client(proxy.port);
    const notes = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix} ${i}\n`);
    await c.query("BEGIN");
    await failure(multiStatementQuery(c, `COPY ${a} (note) FROM STDIN; COPY ${b} (note) FROM STDIN; COMMIT`, [notes("a", 5), notes("b", 10)]));
    await c.end().catch(() => undefined);
    expect(rule.observations.faulted).toMatchObject([{ table: b, messagesPassed: 3, bytesPassed: 3 * "b 0\n".length, atCopyEnd: false }]);
    // Sequences are not transactional: the server drew one value per row it read before the cut, all 5 of the 1st COPY and
    // the 3 of the 2nd that passed. Counted together, the cut would have come at the 1st COPY's 3rd row.
    const deadline = performance.now() + 5_000;
    let drawn = 0;
    while (performance.now() < deadline) {
      drawn = Number((await kit.direct<{ last_value: string }>(`SELECT last_value FROM ${counter}`))[0]!.last_value);
      if (drawn >= 8) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(drawn).toBe(8);
    expect(await kit.direct(`SELECT note FROM ${a} UNION ALL SELECT note FROM ${b}`)).toEqual([]);
  });
});
