import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { csvLine, type CsvValue } from "./csv.ts";

/** Bulk-loads rows with COPY ... FROM STDIN (CSV) on `client`, inside whatever transaction it is in. */
export async function copyRows(client: pg.ClientBase, table: string, columns: readonly string[], rows: Iterable<readonly CsvValue[]>): Promise<void> {
  const sql = `COPY ${table} (${columns.join(", ")}) FROM STDIN WITH (FORMAT csv)`;
  const sink = client.query(copyFrom(sql));
  await pipeline(Readable.from(csvChunks(rows)), sink);
}

/** Groups lines into ~64 KiB chunks: one stream write per line would dominate the cost. */
function* csvChunks(rows: Iterable<readonly CsvValue[]>): Generator<string> {
  let chunk = "";
  for (const row of rows) {
    chunk += csvLine(row);
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk.length > 0) yield chunk;
}
