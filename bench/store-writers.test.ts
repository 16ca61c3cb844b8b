// The guarantees the write bench measures the writers with, checked on a real
// PostgreSQL: values round-trip exactly through binary COPY, a batch whose
// COMMIT acknowledgement was lost is skipped on retry (never doubled), and a
// deferred primary key is rebuilt, refusing a duplicate.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresServer } from "../src/chaos/embedded/index.ts";
import { migrate, type RetryPolicy } from "../src/pipeline/index.ts";
import { deferPrimaryKeyIfEmpty, INSTRUMENT_KEY, restorePrimaryKey } from "../src/pipeline/store/deferred-primary-key.ts";
import { writeExtractionBatch } from "../src/pipeline/store/extraction-writer.ts";
import type { FileOutcome } from "../src/pipeline/store/file-outcome.ts";
import { writePairBatch } from "../src/pipeline/store/pair-writer.ts";
import { claimSimilarityProgress, completeSimilarityProgress, type SimilarityCheckpoint } from "../src/pipeline/store/similarity-progress.ts";
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

async function freshPool(max = 2): Promise<pg.Pool> {
  const name = `w${++database}`;
  await server.createDatabase(name);
  const pool = new pg.Pool({ connectionString: server.connectionUri(name), max });
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
      const quarantined: FileOutcome = {
        kind: "quarantined",
        key: 'bad,"one".mid',
        etag: "x",
        size: 3,
        stage: "parse",
        reason: "truncated",
        detail: 'line 1\nline "2", ü',
      };
      await inTransaction(pool, "write", FAST, (client) =>
        writeExtractionBatch(client, RUN_ID, [...songs(ODD_KEYS), quarantined], { unrecorded: true, commit: true }),
      );
      const { rows } = await pool.query(
        `SELECT filename, instrument_index, track, channel, program, is_drum, instrument_name, note_count FROM filename_instrument ORDER BY filename COLLATE "C", instrument_index`,
      );
      const expected = songs(ODD_KEYS)
        .flatMap((song) =>
          song.kind === "written"
            ? song.instruments.map((i, index) => ({
                filename: song.key,
                instrument_index: index,
                track: i.track,
                channel: i.channel,
                program: i.program,
                is_drum: i.isDrum,
                instrument_name: i.name,
                note_count: i.noteCount,
              }))
            : [],
        )
        .sort((a, b) => Buffer.compare(Buffer.from(a.filename), Buffer.from(b.filename)) || a.instrument_index - b.instrument_index);
      expect(rows).toEqual(expected);
      const ledger = await pool.query(`SELECT key, etag, size, outcome, instruments, run_id FROM source_object WHERE key = $1`, [ODD_KEYS[1]]);
      expect(ledger.rows).toEqual([
        { key: ODD_KEYS[1], etag: `etag-${ODD_KEYS[1]}`, size: String(1_000 + ODD_KEYS[1]!.length), outcome: "written", instruments: 2, run_id: RUN_ID },
      ]);
      const detail = await pool.query(`SELECT detail FROM quarantined_object`);
      expect(detail.rows).toEqual([{ detail: 'line 1\nline "2", ü' }]);
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
      const { rows } = await pool.query<{ n: string; ledger: string }>(
        "SELECT (SELECT count(*) FROM filename_instrument) AS n, (SELECT count(*) FROM source_object) AS ledger",
      );
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
      expect(rows).toEqual([
        { filename: "a.mid", n: 2 },
        { filename: "b.mid", n: 2 },
        { filename: "c.mid", n: 2 },
      ]);
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
      await inTransaction(pool, "claim", FAST, (client) => claimSimilarityProgress(client, shardOf("in", 0, 1)));
      const flaky = losingFirstCommitAck(pool);
      const written: number[] = [];
      await inTransaction(
        flaky.pool,
        "write",
        FAST,
        async (client) => void written.push(await writePairBatch(client, shardOf("in", 0, 1).fingerprint, { seq: 1, pairs })),
      );
      expect(flaky.lost()).toBe(true);
      expect(written).toEqual([pairs.length, 0]);
      await inTransaction(pool, "complete", FAST, (client) => completeSimilarityProgress(client, shardOf("in", 0, 1).fingerprint));
      const { rows } = await pool.query<{ similarity: number; distance: number; bits: string }>(
        "SELECT similarity, distance, float8send(similarity)::text AS bits FROM filepair_similarity_score ORDER BY filename_a",
      );
      expect(rows.map((row) => [row.similarity, row.distance])).toEqual(pairs.map((pair) => [pair.similarity, pair.distance]));
      const bits = Buffer.alloc(8);
      expect(rows.map((row) => row.bits)).toEqual(similarity.map((s) => (bits.writeDoubleBE(s), `\\x${bits.toString("hex")}`)));
      const key = await pool.query(
        "SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'filepair_similarity_score'::regclass AND contype = 'p'",
      );
      expect(key.rows).toEqual([{ def: "PRIMARY KEY (filename_a, filename_b)" }]);
    } finally {
      await pool.end();
    }
  });

  it("keeps the key deferred while any shard still writes and builds it with the last shard's completion", async () => {
    const pool = await freshPool();
    try {
      const [zero, one] = [shardOf("in", 0, 2), shardOf("in", 1, 2)];
      await inTransaction(pool, "claim 0", FAST, (client) => claimSimilarityProgress(client, zero));
      expect(await pairKey(pool)).toEqual([]);
      await inTransaction(pool, "write 0", FAST, (client) => writePairBatch(client, zero.fingerprint, { seq: 1, pairs: pairsNamed("a", 3) }));
      await inTransaction(pool, "claim 1", FAST, (client) => claimSimilarityProgress(client, one));
      await inTransaction(pool, "write 1", FAST, (client) => writePairBatch(client, one.fingerprint, { seq: 1, pairs: pairsNamed("b", 2) }));
      await inTransaction(pool, "complete 0", FAST, (client) => completeSimilarityProgress(client, zero.fingerprint));
      expect(await pairKey(pool)).toEqual([]);
      // Shard 1 goes on writing after shard 0 completed; its duplicate-free rows still go in without the key.
      await inTransaction(pool, "write 1", FAST, (client) => writePairBatch(client, one.fingerprint, { seq: 2, pairs: pairsNamed("c", 2) }));
      await inTransaction(pool, "complete 1", FAST, (client) => completeSimilarityProgress(client, one.fingerprint));
      expect(await pairKey(pool)).toEqual([{ def: "PRIMARY KEY (filename_a, filename_b)" }]);
      const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM filepair_similarity_score");
      expect(rows[0]!.n).toBe(7);
    } finally {
      await pool.end();
    }
  });

  it("completes a shard without waiting for another shard's batch in flight", async () => {
    const pool = await freshPool(3);
    try {
      const [zero, one] = [shardOf("in", 0, 2), shardOf("in", 1, 2)];
      for (const shard of [zero, one]) await inTransaction(pool, "claim", FAST, (client) => claimSimilarityProgress(client, shard));
      const writing = await pool.connect();
      try {
        await writing.query("BEGIN");
        expect(await writePairBatch(writing, one.fingerprint, { seq: 1, pairs: pairsNamed("b", 2) })).toBe(2);
        // Shard 1's batch holds its checkpoint row and its COPY uncommitted; shard 0 completes meanwhile.
        await inTransaction(pool, "complete 0", FAST, (client) => completeSimilarityProgress(client, zero.fingerprint));
        await writing.query("COMMIT");
      } finally {
        writing.release();
      }
      expect(await pairKey(pool)).toEqual([]);
      await inTransaction(pool, "complete 1", FAST, (client) => completeSimilarityProgress(client, one.fingerprint));
      expect(await pairKey(pool)).toEqual([{ def: "PRIMARY KEY (filename_a, filename_b)" }]);
    } finally {
      await pool.end();
    }
  });

  it("builds the key when two shards complete at the same moment: the later completion sees the earlier one", async () => {
    const pool = await freshPool(3);
    try {
      const [zero, one] = [shardOf("in", 0, 2), shardOf("in", 1, 2)];
      for (const shard of [zero, one]) await inTransaction(pool, "claim", FAST, (client) => claimSimilarityProgress(client, shard));
      const first = await pool.connect();
      const second = await pool.connect();
      try {
        const { rows: pid } = await second.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
        await first.query("BEGIN");
        await completeSimilarityProgress(first, zero.fingerprint);
        await second.query("BEGIN");
        let settled = false;
        const secondDone = completeSimilarityProgress(second, one.fingerprint).finally(() => (settled = true));
        // Without the lock the second completion would finish at once, counting one completed shard of two.
        for (let waiting = false; !waiting; await new Promise((resolve) => setTimeout(resolve, 10))) {
          expect(settled).toBe(false);
          const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'", [
            pid[0]!.pid,
          ]);
          waiting = rows[0]!.n > 0;
        }
        await first.query("COMMIT");
        await secondDone;
        await second.query("COMMIT");
      } finally {
        first.release();
        second.release();
      }
      expect(await pairKey(pool)).toEqual([{ def: "PRIMARY KEY (filename_a, filename_b)" }]);
    } finally {
      await pool.end();
    }
  });

  it("fails the last shard's completion on a pair two shards both wrote, and leaves that shard to be completed again", async () => {
    const pool = await freshPool();
    try {
      const [zero, one] = [shardOf("in", 0, 2), shardOf("in", 1, 2)];
      for (const shard of [zero, one]) await inTransaction(pool, "claim", FAST, (client) => claimSimilarityProgress(client, shard));
      await inTransaction(pool, "write 0", FAST, (client) => writePairBatch(client, zero.fingerprint, { seq: 1, pairs: pairsNamed("a", 2) }));
      await inTransaction(pool, "write 1", FAST, (client) => writePairBatch(client, one.fingerprint, { seq: 1, pairs: pairsNamed("a", 1) }));
      await inTransaction(pool, "complete 0", FAST, (client) => completeSimilarityProgress(client, zero.fingerprint));
      await expect(
        inTransaction(pool, "complete 1", { ...FAST, maxAttempts: 1 }, (client) => completeSimilarityProgress(client, one.fingerprint)),
      ).rejects.toMatchObject({
        cause: { cause: { code: "23505", detail: "Key (filename_a, filename_b)=(a0, a0-partner) is duplicated." } },
      });
      expect(await pairKey(pool)).toEqual([]);
      const { rows } = await pool.query("SELECT shard_index, completed FROM similarity_progress ORDER BY shard_index");
      expect(rows).toEqual([
        { shard_index: 0, completed: true },
        { shard_index: 1, completed: false },
      ]);
    } finally {
      await pool.end();
    }
  });

  it("a new layout clears the table without its key and a shard of the old layout can neither write nor complete", async () => {
    const pool = await freshPool();
    try {
      const [oldZero, oldOne] = [shardOf("old", 0, 2), shardOf("old", 1, 2)];
      for (const shard of [oldZero, oldOne]) await inTransaction(pool, "claim", FAST, (client) => claimSimilarityProgress(client, shard));
      await inTransaction(pool, "write old 1", FAST, (client) => writePairBatch(client, oldOne.fingerprint, { seq: 1, pairs: pairsNamed("a", 2) }));
      await inTransaction(pool, "complete old 0", FAST, (client) => completeSimilarityProgress(client, oldZero.fingerprint));
      const single = shardOf("new", 0, 1);
      await inTransaction(pool, "claim new", FAST, (client) => claimSimilarityProgress(client, single));
      const once = { ...FAST, maxAttempts: 1 };
      await expect(
        inTransaction(pool, "write old 1", once, (client) => writePairBatch(client, oldOne.fingerprint, { seq: 2, pairs: pairsNamed("b", 1) })),
      ).rejects.toThrow(/reset by another run/);
      await expect(inTransaction(pool, "complete old 1", once, (client) => completeSimilarityProgress(client, oldOne.fingerprint))).rejects.toThrow(
        /reset by another run/,
      );
      expect(await pairKey(pool)).toEqual([]);
      // The same pairs the old layout wrote are no duplicates: its rows went with the TRUNCATE.
      await inTransaction(pool, "write new", FAST, (client) => writePairBatch(client, single.fingerprint, { seq: 1, pairs: pairsNamed("a", 2) }));
      await inTransaction(pool, "complete new", FAST, (client) => completeSimilarityProgress(client, single.fingerprint));
      expect(await pairKey(pool)).toEqual([{ def: "PRIMARY KEY (filename_a, filename_b)" }]);
      const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM filepair_similarity_score");
      expect(rows[0]!.n).toBe(2);
    } finally {
      await pool.end();
    }
  });
});

/** A checkpoint as the similarity stage makes one: the fingerprint names the input and the shard. */
function shardOf(input: string, shardIndex: number, shardCount: number): SimilarityCheckpoint {
  return { inputFingerprint: input, fingerprint: `${input} ${shardIndex}/${shardCount}`, shardIndex, shardCount };
}

function pairsNamed(prefix: string, count: number) {
  return Array.from({ length: count }, (_, i) => ({ filenameA: `${prefix}${i}`, filenameB: `${prefix}${i}-partner`, similarity: 0.5, distance: 0.5 }));
}

async function pairKey(pool: pg.Pool): Promise<unknown[]> {
  const { rows } = await pool.query(
    "SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'filepair_similarity_score'::regclass AND contype = 'p'",
  );
  return rows;
}
