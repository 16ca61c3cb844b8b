// A user's own service, as it would live in their project: copies the items of an HTTP
// upstream (ITEMS_URL) into the table `copied_item` of its Postgres (DATABASE_URL), a page at
// a time, resuming after the highest id it has. Every failed step is retried.
import pg from "pg";

const db = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1, connectionTimeoutMillis: 2_000, query_timeout: 2_000 });
db.on("error", () => undefined); // an idle connection reset: the next query opens a new one

async function retried(step, action) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await action();
    } catch (error) {
      if (attempt === 50) throw new Error(`${step}: gave up after ${attempt} attempts: ${error.message}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function fetchPage(after) {
  const response = await fetch(`${process.env.ITEMS_URL}?after=${after}&limit=10`, { signal: AbortSignal.timeout(2_000) });
  if (!response.ok) throw new Error(`the upstream answered ${response.status}`);
  return (await response.json()).items;
}

await retried("create table", () => db.query("CREATE TABLE IF NOT EXISTS copied_item (id integer PRIMARY KEY, name text NOT NULL)"));
for (;;) {
  const after = await retried("read resume point", async () => (await db.query("SELECT coalesce(max(id), 0) AS id FROM copied_item")).rows[0].id);
  const items = await retried("fetch a page", () => fetchPage(after));
  if (items.length === 0) break;
  const rows = JSON.stringify(items.map(({ id, name }) => ({ id, name })));
  await retried("write a page", () =>
    db.query("INSERT INTO copied_item SELECT * FROM json_populate_recordset(NULL::copied_item, $1::json) ON CONFLICT (id) DO NOTHING", [rows]),
  );
}
await db.end();
