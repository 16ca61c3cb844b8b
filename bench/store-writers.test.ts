// The guarantees the write bench measures the writers with, checked on a real
// PostgreSQL: values round-trip exactly through binary COPY, a batch whose
// COMMIT acknowledgement was lost is skipped on retry (never doubled), and a
// deferred primary key is rebuilt, refusing a duplicate.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresServer } from "../src/chaos/env/index.ts";
import { migrate, type RetryPolicy } from "../src/pipeline/index.ts";
import { deferPrimaryKeyIfEmpty, INSTRUMENT_KEY, restorePrimaryKey } from "../src/pipeline/store/deferred-primary-key.ts";
import { writeExtractionBatch } from "../src/pipeline/store/extraction-writer.ts";
import type { FileOutcome } from "../src/pipeline/store/file-outcome.ts";
import { writePairBatch } from "../src/pipeline/store/pair-writer.ts";
import { claimSimilarityProgress, completeSimilarityProgress } from "../src/pipeline/store/similarity-progress.ts";
import { inTransaction } from "../src/pipeline/store/transaction.ts";

const FAST: RetryPolicy = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 };
const RUN_ID = "6f1c2b0e-8d4a-4c1e-9b7a-0a1b2c3d4e5f";
const ODD_KEYS = ['a "quoted", comma.mid', "line\nbreak\\back.mid", "ünïcödé 🎹.mid", "plain.mid"];

let server: PostgresServer;
let database = 0;

beforeAll(async () => {
  server = await PostgresServer.start();
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

async function freshPool(): Promise<pg.Pool> {
  const name = `w${++database}`;
  await server.createDatabase(name);
  const pool = new pg.Pool({ connectionString: server.connectionUri(name), max: 2 });
  pool.on("error", () => undefined); // idle clients cut when the server stops after the last test
  await pool.query("SELECT 1");
  const client = await pool.connect();
  await migrate(client).finally(() => client.release());
  return pool;
}

/** A pool whose first transaction commits but reports a reset connection instead of the COMMIT's acknowledgement. */
function losingFirstCommitAck(pool: pg.Pool): { pool: pg.Pool; lost: () => boolean } {
  let lost = false;
  const wrapper = {
    connect: async () => {
      const client = await pool.connect();
      if (lost) return client;
      const query = client.query.bind(client) as (text: unknown, values?: unknown) => Promise<unknown>;
      return Object.assign(Object.create(client) as pg.PoolClient, {
        query: (text: unknown, values?: unknown) => {
          const reset = () => Object.assign(new Error("connection reset after COMMIT"), { code: "ECONNRESET" });
          const submittable = text as { text?: unknown; handleReadyForQuery?: () => void; handleError?: (error: Error) => void };
          if (!lost && typeof submittable.text === "string" && submittable.text.endsWith("; COMMIT") && submittable.handleError) {
            // A batch that commits in its own query: the server answers once all of it ran, COMMIT included.
            submittable.handleReadyForQuery = () => {
              lost = true;
              submittable.handleError!(reset());
            };
            return query(text, values);
          }
          return (async () => {
            const result = await query(text, values);
            if (text === "COMMIT" && !lost) {
              lost = true;
              throw reset();
            }
            return result;
          })();
        },
        release: (error?: Error | boolean) => client.release(error),
      });
    },
  };
  return { pool: wrapper as unknown as pg.Pool, lost: () => lost };
}

const songs = (keys: readonly string[]): FileOutcome[] =>
  keys.map((key, f) => ({
    kind: "written",
    key,
    etag: `etag-${key}`,
    size: 1_000 + key.length,
    instruments: [
      { track: 0, channel: 0, program: f % 128, isDrum: false, name: "Acoustic Grand Piano", noteCount: 10 },
      { track: 1, channel: 9, program: 0, isDrum: true, name: 'Drums, "standard"', noteCount: 20 },
    ],
  }));

describe("the extraction writer", () => {
  it("stores keys, names and quarantine details exactly, whatever characters they hold", async () => {
    const pool = await freshPool();
    try {
      const quarantined: FileOutcome = { kind: "quarantined", key: "bad,\"one\".mid", etag: "x", size: 3, stage: "parse", reason: "truncated", detail: "line 1\nline \"2\", ü" };
      await inTransaction(pool, "write", FAST, (client) => writeExtractionBatch(client, RUN_ID, [...songs(ODD_KEYS), quarantined], { unrecorded: true, commit: true }));
      const { rows } = await pool.query(`SELECT filename, instrument_index, track, channel, program, is_drum, instrument_name, note_count FROM filename_instrument ORDER BY filename COLLATE "C", instrument_index`);
      const expected = songs(ODD_KEYS)
        .flatMap((song) => (song.kind === "written" ? song.instruments.map((i, index) => ({ filename: song.key, instrument_index: index, track: i.track, channel: i.channel, program: i.program, is_drum: i.isDrum, instrument_name: i.name, note_count: i.noteCount })) : []))
        .sort((a, b) => Buffer.compare(Buffer.from(a.filename), Buffer.from(b.filename)) || a.instrument_index - b.instrument_index);
      expect(rows).toEqual(expected);
      const ledger = await pool.query(`SELECT key, etag, size, outcome, instruments, run_id FROM source_object WHERE key = $1`, [ODD_KEYS[1]]);
      expect(ledger.rows).toEqual([{ key: ODD_KEYS[1], etag: `etag-${ODD_KEYS[1]}`, size: String(1_000 + ODD_KEYS[1]!.length), outcome: "written", instruments: 2, run_id: RUN_ID }]);
      const detail = await pool.query(`SELECT detail FROM quarantined_object`);
      expect(detail.rows).toEqual([{ detail: "line 1\nline \"2\", ü" }]);
    } finally {
      await pool.end();
    }
  });

  it("skips a batch on retry when its COMMIT went through but the acknowledgement was lost", async () => {
    const pool = await freshPool();
    try {
      const keys = Array.from({ length: 50 }, (_, i) => `song-${i}.mid`);
      const flaky = losingFirstCommitAck(pool);
      const attempts: number[] = [];
      const result = await inTransaction(flaky.pool, "write", FAST, (client, attempt) => {
        attempts.push(attempt);
        return writeExtractionBatch(client, RUN_ID, songs(keys), { unrecorded: attempt === 1, commit: true });
      });
      expect(flaky.lost()).toBe(true);
      expect(attempts).toEqual([1, 2]);
      expect(result).toMatchObject({ instrumentRows: 0, written: 0, alreadyRecorded: 50 });
      const { rows } = await pool.query<{ n: string; ledger: string }>("SELECT (SELECT count(*) FROM filename_instrument) AS n, (SELECT count(*) FROM source_object) AS ledger");
      expect(rows[0]).toEqual({ n: "100", ledger: "50" });
    } finally {
      await pool.end();
    }
  });

  it("cannot double a batch even when told the objects are unrecorded: the ledger's key refuses it", async () => {
    const pool = await freshPool();
    try {
      await inTransaction(pool, "defer", FAST, (client) => deferPrimaryKeyIfEmpty(client, INSTRUMENT_KEY));
      await inTransaction(pool, "write", FAST, (client) => writeExtractionBatch(client, RUN_ID, songs(["a.mid", "b.mid"]), { unrecorded: true, commit: true }));
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        await expect(writeExtractionBatch(client, RUN_ID, songs(["c.mid", "a.mid"]), { unrecorded: true })).rejects.toMatchObject({ code: "23505" });
        await client.query("ROLLBACK");
      } finally {
        client.release();
      }
      const retried = await inTransaction(pool, "write", FAST, (c) => writeExtractionBatch(c, RUN_ID, songs(["c.mid", "a.mid"]), { commit: true }));
      expect(retried).toMatchObject({ written: 1, alreadyRecorded: 1 });
      expect(await inTransaction(pool, "key", FAST, (c) => restorePrimaryKey(c, INSTRUMENT_KEY))).toBe(true);
      const { rows } = await pool.query("SELECT filename, count(*)::int AS n FROM filename_instrument GROUP BY filename ORDER BY filename");
      expect(rows).toEqual([{ filename: "a.mid", n: 2 }, { filename: "b.mid", n: 2 }, { filename: "c.mid", n: 2 }]);
    } finally {
      await pool.end();
    }
  });

  it("rebuilding a deferred key fails on a duplicate row instead of hiding it", async () => {
    const pool = await freshPool();
    try {
      expect(await inTransaction(pool, "defer", FAST, (client) => deferPrimaryKeyIfEmpty(client, INSTRUMENT_KEY))).toBe(true);
      await pool.query(`INSERT INTO filename_instrument VALUES ('d.mid', 0, 0, 0, 0, false, 'Piano', 1), ('d.mid', 0, 0, 0, 0, false, 'Piano', 1)`);
      await expect(inTransaction(pool, "key", { ...FAST, maxAttempts: 1 }, (client) => restorePrimaryKey(client, INSTRUMENT_KEY))).rejects.toThrow();
      const { rows } = await pool.query("SELECT count(*)::int AS n FROM pg_constraint WHERE conrelid = 'filename_instrument'::regclass AND contype = 'p'");
      expect(rows[0].n).toBe(0);
    } finally {
      await pool.end();
    }
  });
});

describe("the pair writer", () => {
  it("stores the floats bit for bit and skips a batch whose COMMIT acknowledgement was lost", async () => {
    const pool = await freshPool();
    try {
      const similarity = [1 / 3, 0.1 + 0.2 - 0.2, 1e-300 + 0.5, 1, 2 / 7, 0.987654321012345];
      const pairs = similarity.map((s, i) => ({ filenameA: `a${i}`, filenameB: `b${i}`, similarity: s, distance: 1 - s }));
      await inTransaction(pool, "claim", FAST, (client) => claimSimilarityProgress(client, "fp"));
      const flaky = losingFirstCommitAck(pool);
      const written: number[] = [];
      await inTransaction(flaky.pool, "write", FAST, async (client) => void written.push(await writePairBatch(client, "fp", { seq: 1, pairs })));
      expect(flaky.lost()).toBe(true);
      expect(written).toEqual([pairs.length, 0]);
      await inTransaction(pool, "complete", FAST, (client) => completeSimilarityProgress(client, "fp"));
      const { rows } = await pool.query<{ similarity: number; distance: number; bits: string }>(
        "SELECT similarity, distance, float8send(similarity)::text AS bits FROM filepair_similarity_score ORDER BY filename_a",
      );
      expect(rows.map((row) => [row.similarity, row.distance])).toEqual(pairs.map((pair) => [pair.similarity, pair.distance]));
      const bits = Buffer.alloc(8);
      expect(rows.map((row) => row.bits)).toEqual(similarity.map((s) => (bits.writeDoubleBE(s), `\\x${bits.toString("hex")}`)));
      const key = await pool.query("SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'filepair_similarity_score'::regclass AND contype = 'p'");
      expect(key.rows).toEqual([{ def: "PRIMARY KEY (filename_a, filename_b)" }]);
    } finally {
      await pool.end();
    }
  });
});
