/**
 * item-sync: copies the items of an HTTP upstream into its own Postgres
 * table, a page at a time. Resumable and idempotent: it starts after the
 * highest id it already has, and a page written twice (a lost commit
 * acknowledgement, a restart) changes nothing. Every failed step is retried
 * with backoff; progress and retries are Prometheus counters on PORT.
 *
 *     DATABASE_URL=postgres://… ITEMS_URL=http://host:port/items PORT=9464 node --import tsx item-sync.ts
 */
import { createServer } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";

interface Item {
  id: number;
  name: string;
  price_cents: number;
}

const PAGE_SIZE = 10;
const MAX_ATTEMPTS = 40;
const REQUEST_TIMEOUT_MS = 2_000;
const databaseUrl = required("DATABASE_URL");
const itemsUrl = required("ITEMS_URL");
let synced = 0;
let retries = 0;

const metrics = createServer((_, response) =>
  response.end(
    `# TYPE item_sync_items_synced_total counter\nitem_sync_items_synced_total ${synced}\n# TYPE item_sync_retries_total counter\nitem_sync_retries_total ${retries}\n`,
  ),
).listen(Number(process.env.PORT ?? 0), "127.0.0.1");
const db = new pg.Pool({ connectionString: databaseUrl, max: 1, connectionTimeoutMillis: REQUEST_TIMEOUT_MS, query_timeout: REQUEST_TIMEOUT_MS });
db.on("error", () => undefined); // a connection reset while idle: the next query opens a new one
process.once("SIGTERM", () => process.exit(143));

try {
  await retried("create table", () =>
    db.query("CREATE TABLE IF NOT EXISTS synced_item (id integer PRIMARY KEY, name text NOT NULL, price_cents integer NOT NULL)"),
  );
  for (;;) {
    const after = await retried("read resume point", async () => (await db.query("SELECT coalesce(max(id), 0) AS id FROM synced_item")).rows[0].id as number);
    const items = await retried("fetch a page", () => fetchPage(after));
    if (items.length === 0) break;
    await retried("write a page", () =>
      db.query("INSERT INTO synced_item SELECT * FROM json_populate_recordset(NULL::synced_item, $1::json) ON CONFLICT (id) DO NOTHING", [
        JSON.stringify(items),
      ]),
    );
    synced += items.length;
  }
  console.log(`item-sync: ${synced} items synced, ${retries} retries`);
} catch (error) {
  console.error(`item-sync failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  metrics.close();
  await db.end();
}

async function fetchPage(after: number): Promise<Item[]> {
  const response = await fetch(`${itemsUrl}?after=${after}&limit=${PAGE_SIZE}`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`the items upstream answered ${response.status}`);
  return ((await response.json()) as { items: Item[] }).items;
}

async function retried<T>(step: string, action: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await action();
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS) throw new Error(`${step}: gave up after ${attempt} attempts: ${(error as Error).message}`, { cause: error });
      retries++;
      await sleep(Math.min(500, 25 * attempt));
    }
  }
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}
