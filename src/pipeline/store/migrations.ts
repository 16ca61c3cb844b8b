import type pg from "pg";
import { describeError } from "../errors.ts";

/** One versioned, forward-only schema change. Applied at most once, in order, each in its own transaction. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The schema. Text columns holding S3 keys use the "C" collation so that the
 * database orders filenames by their UTF-8 bytes, as the similarity step does.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "scale tables",
    sql: `
      CREATE TABLE filename_instrument (
        filename        text COLLATE "C" NOT NULL,
        instrument_index integer NOT NULL CHECK (instrument_index >= 0),
        track           integer NOT NULL,
        channel         smallint NOT NULL CHECK (channel BETWEEN 0 AND 15),
        program         smallint NOT NULL CHECK (program BETWEEN 0 AND 127),
        is_drum         boolean NOT NULL,
        instrument_name text NOT NULL,
        note_count      integer NOT NULL CHECK (note_count > 0),
        PRIMARY KEY (filename, instrument_index)
      );
      CREATE TABLE filepair_similarity_score (
        filename_a text COLLATE "C" NOT NULL,
        filename_b text COLLATE "C" NOT NULL,
        similarity double precision NOT NULL CHECK (similarity > 0 AND similarity <= 1),
        distance   double precision NOT NULL CHECK (distance >= 0 AND distance < 1),
        PRIMARY KEY (filename_a, filename_b),
        CHECK (filename_a < filename_b)
      );`,
  },
  {
    version: 2,
    name: "run ledger, source objects and quarantine",
    sql: `
      CREATE TABLE pipeline_run (
        run_id      uuid PRIMARY KEY,
        started_at  timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        status      text NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'aborted')),
        shard_index integer NOT NULL,
        shard_count integer NOT NULL,
        summary     jsonb,
        error       text
      );
      CREATE TABLE source_object (
        key          text COLLATE "C" PRIMARY KEY,
        etag         text NOT NULL,
        size         bigint NOT NULL,
        outcome      text NOT NULL CHECK (outcome IN ('written', 'quarantined')),
        instruments  integer NOT NULL,
        run_id       uuid NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE quarantined_object (
        key            text COLLATE "C" PRIMARY KEY,
        etag           text NOT NULL,
        stage          text NOT NULL CHECK (stage IN ('download', 'parse')),
        reason         text NOT NULL,
        detail         text NOT NULL,
        run_id         uuid NOT NULL,
        quarantined_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE similarity_progress (
        singleton     boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        fingerprint   text NOT NULL,
        last_seq      integer NOT NULL,
        pairs_written bigint NOT NULL,
        completed     boolean NOT NULL,
        updated_at    timestamptz NOT NULL DEFAULT now()
      );`,
  },
  {
    // A checkpoint per similarity shard. The old singleton's checkpoint is dropped: a
    // run interrupted before the upgrade redoes its similarity step once.
    version: 3,
    name: "similarity progress per shard",
    sql: `
      DROP TABLE similarity_progress;
      CREATE TABLE similarity_progress (
        shard_index       integer PRIMARY KEY CHECK (shard_index >= 0),
        shard_count       integer NOT NULL CHECK (shard_index < shard_count),
        input_fingerprint text NOT NULL,
        fingerprint       text NOT NULL UNIQUE,
        last_seq          integer NOT NULL,
        pairs_written     bigint NOT NULL,
        completed         boolean NOT NULL,
        updated_at        timestamptz NOT NULL DEFAULT now()
      );`,
  },
];

const LOCK_KEY = 7_361_001; // any constant shared by every process migrating this schema

/**
 * Brings the schema up to date. Safe to call from many processes at once
 * (an advisory lock serialises them) and on every start (applied versions are skipped).
 * Returns the versions applied by this call.
 */
export async function migrate(client: pg.ClientBase, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const applied: number[] = [];
  let failed = false;
  await client.query("SELECT pg_advisory_lock($1)", [LOCK_KEY]);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number }>("SELECT version FROM schema_migrations");
    const done = new Set(rows.map((row) => row.version));
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
      await client.query("BEGIN");
      try {
        await client.query(migration.sql);
        await client.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [migration.version, migration.name]);
        await client.query("COMMIT");
      } catch (error) {
        // On a dead connection ROLLBACK fails too; the error to report (and classify) is the first one.
        await client.query("ROLLBACK").catch(() => undefined);
        throw new Error(`migration ${migration.version} (${migration.name}) failed: ${describeError(error)}`, { cause: error });
      }
      applied.push(migration.version);
    }
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    // The lock ends with the session anyway; a failing unlock must not hide why the migration failed.
    await client.query("SELECT pg_advisory_unlock($1)", [LOCK_KEY]).catch((unlockError: unknown) => {
      if (!failed) throw unlockError;
    });
  }
  return applied;
}
