import pg from "pg";

/** A pg pool that never crashes the process when the server goes away, with client-side timeouts so a frozen server cannot hang a run. */
export function createDatabasePool(databaseUrl: string, queryTimeoutMs: number, max = 4): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 10_000,
    query_timeout: queryTimeoutMs,
    keepAlive: true,
    // A name the operator gives (PGAPPNAME, or application_name in the URL) wins, e.g. one per shard, so pg_stat_activity tells whose session is whose.
    fallback_application_name: "scale-pipeline",
  });
  // An idle client losing its connection (server killed, network cut) is reported here; the next checkout gets a fresh one.
  pool.on("error", () => undefined);
  return pool;
}
