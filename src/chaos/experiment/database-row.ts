import pg from "pg";

/** How long reading evidence may take: the database is reached directly, past every fault. */
const EVIDENCE_TIMEOUT_MS = 5_000;

/**
 * The first row `query` returns on the database at `databaseUrl` (undefined when none), on a connection of its own:
 * evidence a scenario reads while its fault is in effect (`fault(…).observing(({ database }) => firstRow(database.url, …))`).
 */
export async function firstRow(databaseUrl: string, query: string, values: readonly unknown[] = []): Promise<Record<string, unknown> | undefined> {
  const client = new pg.Client({
    connectionString: databaseUrl,
    connectionTimeoutMillis: EVIDENCE_TIMEOUT_MS,
    query_timeout: EVIDENCE_TIMEOUT_MS,
    application_name: "chaos-control evidence",
  });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return (await client.query<Record<string, unknown>>(query, [...values])).rows[0];
  } finally {
    await client.end().catch(() => undefined);
  }
}
