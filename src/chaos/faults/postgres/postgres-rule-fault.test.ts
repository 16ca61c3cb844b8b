import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmbeddedEnvironment, FaultInjector, type StartedEmbeddedEnvironment } from "../../embedded/index.ts";
import type { CommitAckLostObservations, PostgresFaultObservations } from "./postgres-rule-fault.ts";

describe("Postgres protocol faults on the pipeline's path (Toxiproxy, then the protocol proxy)", () => {
  let env: StartedEmbeddedEnvironment;
  let faults: FaultInjector;

  beforeAll(async () => {
    env = await new EmbeddedEnvironment().start();
    faults = new FaultInjector(env);
    await withClient(env.databaseUrl, (c) => c.query("CREATE TABLE IF NOT EXISTS noted (id int PRIMARY KEY)"));
  });

  afterAll(async () => {
    await faults?.removeAll();
    await env?.stop();
  });

  async function withClient<T>(url: string, use: (c: pg.Client) => Promise<T>): Promise<T> {
    const c = new pg.Client({ connectionString: url, query_timeout: 10_000 });
    c.on("error", () => undefined);
    await c.connect();
    try {
      return await use(c);
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  it("a lost COMMIT acknowledgement: the client loses its connection, and removal records that the transaction committed", async () => {
    const handle = await faults.postgres({ type: "commitAckLost", match: { kind: "commit", inTransactionWith: /^INSERT INTO noted\b/ } });
    expect(handle.description).toMatchObject({
      kind: "postgres/commit-ack-lost",
      target: "postgres (protocol proxy)",
      parameters: { match: { kind: "commit", inTransactionWith: "/^INSERT INTO noted\\b/" } },
    });
    const error = await withClient(env.proxiedDatabaseUrl(), async (c) => {
      await c.query("BEGIN");
      await c.query("INSERT INTO noted VALUES (1)");
      return c.query("COMMIT").then(
        () => undefined,
        (failed: Error) => failed,
      );
    });
    expect(error?.message).toMatch(/Connection terminated|ECONNRESET/);
    const live = handle.observations as unknown as CommitAckLostObservations;
    expect(live.statementsFaulted).toBe(1);
    expect(live.faulted[0]!.afterMs).toBeGreaterThanOrEqual(0);
    expect(live.ackDropped).toEqual([]);
    await handle.remove();
    const after = handle.observations as unknown as CommitAckLostObservations;
    expect(after.ackDropped).toEqual([{ xid: live.faulted[0]!.xid, status: "committed", committed: true }]);
    expect(JSON.parse(JSON.stringify(handle.observations))).toMatchObject({ statementsMatched: 1, statementsFaulted: 1, ackDropped: [{ committed: true }] });
    expect(await withClient(env.databaseUrl, async (c) => (await c.query("SELECT id FROM noted")).rows)).toEqual([{ id: 1 }]);
  });

  it("an injected SQLSTATE reaches the client through Toxiproxy, and removal ends the rule", async () => {
    const handle = await faults.postgres({ type: "error", match: { pattern: /^SELECT 42/ }, sqlstate: "53300" });
    expect(handle.description).toMatchObject({ kind: "postgres/error", cause: "overload" });
    await withClient(env.proxiedDatabaseUrl(), async (c) => {
      await expect(c.query("SELECT 42")).rejects.toMatchObject({ code: "53300" });
      await handle.remove();
      expect((await c.query("SELECT 42 AS n")).rows).toEqual([{ n: 42 }]);
    });
    const observations = handle.observations as unknown as PostgresFaultObservations<"error">;
    expect(observations.faulted.map((fault) => fault.sqlstate)).toEqual(["53300"]);
    expect(observations.statementsMatched).toBe(1);
  });

  it("a Toxiproxy partition still refuses the pipeline's connections, with the protocol proxy behind it", async () => {
    const cut = await faults.partition("postgres");
    try {
      await expect(withClient(env.proxiedDatabaseUrl(), (c) => c.query("SELECT 1"))).rejects.toMatchObject({ code: "ECONNREFUSED" });
    } finally {
      await cut.remove();
    }
    expect(await withClient(env.proxiedDatabaseUrl(), async (c) => (await c.query("SELECT 1 AS n")).rows)).toEqual([{ n: 1 }]);
  });
});
