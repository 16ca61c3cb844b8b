import type pg from "pg";

/** A table's primary key, as the migrations define it. */
export interface PrimaryKey {
  table: string;
  constraint: string;
  /** Column list, in key order. */
  columns: string;
}

export const INSTRUMENT_KEY: PrimaryKey = { table: "filename_instrument", constraint: "filename_instrument_pkey", columns: "filename, instrument_index" };
export const PAIR_KEY: PrimaryKey = { table: "filepair_similarity_score", constraint: "filepair_similarity_score_pkey", columns: "filename_a, filename_b" };

/**
 * The index strategy of a first load. Maintaining a B-tree row by row costs a
 * COPY into these tables about two thirds of the server's time (measured:
 * 240 ms of 100,000 instrument rows with the key, 70 ms without, 40 ms to
 * build the key afterwards in one sort). So a load into an empty table drops
 * the primary key and {@link restorePrimaryKey} builds it once the load is done.
 *
 * Nothing is lost meanwhile. The key never was what kept a retried batch from
 * being written twice: instrument rows are only ever written in the transaction
 * that inserts their file's `source_object` row, whose own key stays, and pair
 * batches are skipped by the checkpoint they commit with. Rebuilding the key
 * checks that: a duplicate would make the rebuild, and so the run, fail.
 *
 * Call inside a transaction. Returns whether the key was dropped.
 */
export async function deferPrimaryKeyIfEmpty(client: pg.ClientBase, key: PrimaryKey): Promise<boolean> {
  // Most starts find rows or no key: decide those without the table lock, which would wait for other writers.
  if (!(await emptyAndKeyed(client, key))) return false;
  await client.query(`LOCK TABLE ${key.table} IN ACCESS EXCLUSIVE MODE`);
  if (!(await emptyAndKeyed(client, key))) return false;
  await client.query(`ALTER TABLE ${key.table} DROP CONSTRAINT ${key.constraint}`);
  return true;
}

async function emptyAndKeyed(client: pg.ClientBase, key: PrimaryKey): Promise<boolean> {
  const { rows } = await client.query<{ has_rows: boolean; keyed: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM ${key.table}) AS has_rows,
            EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p') AS keyed`,
    [key.table],
  );
  return rows[0]?.has_rows === false && rows[0]?.keyed === true;
}

/**
 * Builds the primary key if a load deferred it; a no-op if it is there. Safe
 * to call from several processes: the table lock makes the later ones find
 * the key built. Call inside a transaction. Returns whether it built the key.
 */
export async function restorePrimaryKey(client: pg.ClientBase, key: PrimaryKey): Promise<boolean> {
  if (await hasPrimaryKey(client, key)) return false;
  await client.query(`LOCK TABLE ${key.table} IN ACCESS EXCLUSIVE MODE`);
  if (await hasPrimaryKey(client, key)) return false;
  await client.query(`ALTER TABLE ${key.table} ADD CONSTRAINT ${key.constraint} PRIMARY KEY (${key.columns})`);
  return true;
}

async function hasPrimaryKey(client: pg.ClientBase, key: PrimaryKey): Promise<boolean> {
  const { rows } = await client.query<{ keyed: boolean }>(
    "SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p') AS keyed",
    [key.table],
  );
  return rows[0]?.keyed === true;
}
