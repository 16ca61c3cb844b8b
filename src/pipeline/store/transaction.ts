import type pg from "pg";
import { withRetry, type RetryHooks, type RetryPolicy } from "../retry.ts";

/** Thrown inside a transaction when a concurrent writer committed the same rows first; retrying re-reads and skips them. */
class WriteConflictError extends Error {
  readonly code = "40001";

  constructor(options: { cause: unknown }) {
    super("a concurrent transaction wrote the same rows first", options);
    this.name = "WriteConflictError";
  }
}

const committedByWork = new WeakSet<pg.ClientBase>();

/**
 * Says that `work` ended its transaction itself, with a COMMIT as the last
 * statement of its last query: inTransaction then sends no COMMIT of its own,
 * saving a round trip per batch. Call it only once that query has succeeded.
 */
export function committedInWork(client: pg.ClientBase): void {
  committedByWork.add(client);
}

/**
 * Runs `work` in a transaction on a pooled connection, retrying the whole
 * transaction on transient errors. `work` must be idempotent: a retry may
 * follow a commit whose acknowledgement was lost, so it re-reads what is
 * already there and skips it. `attempt` is 1 for the first try.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  operation: string,
  policy: RetryPolicy,
  work: (client: pg.PoolClient, attempt: number) => Promise<T>,
  hooks: RetryHooks = {},
): Promise<T> {
  return withRetry(
    operation,
    policy,
    async (attempt) => {
      const client = await pool.connect();
      let broken: Error | undefined;
      client.on("error", (error) => (broken = error));
      try {
        await client.query("BEGIN");
        const result = await work(client, attempt);
        if (!committedByWork.delete(client)) await client.query("COMMIT");
        return result;
      } catch (error) {
        committedByWork.delete(client);
        broken ??= error instanceof Error ? error : new Error(String(error));
        await client.query("ROLLBACK").catch(() => undefined);
        if ((error as { code?: unknown }).code === "23505") throw new WriteConflictError({ cause: error });
        throw error;
      } finally {
        // A client that failed mid-transaction may hold a dead socket: destroy it rather than return it to the pool.
        client.removeAllListeners("error");
        client.release(broken);
      }
    },
    hooks,
  );
}
