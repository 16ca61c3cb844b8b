import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, withPooledClient } from "../../pipeline/index.ts";
import { PostgresServer } from "../embedded/index.ts";
import { PostgresTestKit } from "./postgres-test-kit.ts";

let kit: PostgresTestKit;

beforeAll(async () => {
  kit = new PostgresTestKit(await PostgresServer.start());
});

afterAll(async () => {
  await kit?.stop();
});

/**
 * The pipeline's clients checked out of its pool outside a transaction (the
 * schema migration, the ledger read, the song load): a connection reset used
 * to be an unhandled 'error' event that ended the process (found by the
 * exploration cell `pg BEGIN × reset × first`).
 */
describe("withPooledClient under a connection reset", () => {
  it("fails the work with the reset, destroys the client, and the pool's next client works", async () => {
    await using proxy = await kit.proxy();
    const pool = new pg.Pool({ connectionString: kit.server.connectionUri("postgres", proxy.port), max: 1 });
    pool.on("error", () => undefined);
    const unhandled: Error[] = [];
    const onUncaught = (error: Error): void => void unhandled.push(error);
    process.on("uncaughtException", onUncaught);
    try {
      const reset = proxy.addRule({ type: "reset", match: { kind: "begin" }, occurrence: { nth: 1 } });
      const error = await withPooledClient(pool, (client) => migrate(client)).then(
        () => expect.fail("expected the migration to fail"),
        (failure: unknown) => failure as Error,
      );
      expect(reset.observations.faulted).toHaveLength(1);
      expect(`${error.message} ${String((error.cause as Error | undefined)?.message)}`).toMatch(/Connection terminated|ECONNRESET/);
      // Give a stray 'error' event its turn to surface.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
      expect(pool.totalCount).toBe(0);
      expect(await withPooledClient(pool, async (client) => (await client.query("SELECT 1 AS one")).rows)).toEqual([{ one: 1 }]);
    } finally {
      process.off("uncaughtException", onUncaught);
      await pool.end();
    }
  });
});
