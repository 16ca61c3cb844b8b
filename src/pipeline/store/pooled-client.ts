import type pg from "pg";

/**
 * Runs `work` on a client checked out of `pool`. While checked out, the pool
 * no longer listens for the client's errors: a connection reset or a
 * terminated backend would be an unhandled 'error' event, which ends the
 * process with a stack trace instead of an error the retry loop can classify.
 * Here the error fails `work` (its query rejects), and a client that failed
 * is destroyed rather than returned to the pool with a dead socket.
 */
export async function withPooledClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error): void => {
    broken = error;
  };
  client.on("error", onError);
  try {
    return await work(client);
  } catch (error) {
    broken ??= error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.off("error", onError);
    client.release(broken);
  }
}
