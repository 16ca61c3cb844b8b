import pg from "pg";
import type { Instrument } from "../../pipeline/index.ts";

/** A row of `filename_instrument`: one instrument of one song, at its position in pretty_midi's order. */
export interface InstrumentRow extends Instrument {
  filename: string;
  instrumentIndex: number;
}

/** A row of `filepair_similarity_score`. */
export interface PairRow {
  filenameA: string;
  filenameB: string;
  similarity: number;
  distance: number;
}

/** A row of `quarantined_object`. */
export interface QuarantineRow {
  key: string;
  stage: string;
  reason: string;
}

/** The pipeline's output tables, each in a canonical order (filename bytes), for comparing runs. */
export interface TableSnapshot {
  instruments: InstrumentRow[];
  pairs: PairRow[];
  quarantined: QuarantineRow[];
  /** Keys of every source object recorded as written or quarantined. */
  recordedKeys: string[];
}

export async function snapshotTables(databaseUrl: string): Promise<TableSnapshot> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const instruments = await client.query({
      text: `SELECT filename, instrument_index, track, channel, program, is_drum, instrument_name, note_count
               FROM filename_instrument ORDER BY filename COLLATE "C", instrument_index`,
      rowMode: "array",
    });
    const pairs = await client.query({
      text: `SELECT filename_a, filename_b, similarity, distance FROM filepair_similarity_score
              ORDER BY filename_a COLLATE "C", filename_b COLLATE "C"`,
      rowMode: "array",
    });
    const quarantined = await client.query<QuarantineRow>(`SELECT key, stage, reason FROM quarantined_object ORDER BY key COLLATE "C"`);
    const recorded = await client.query<{ key: string }>(`SELECT key FROM source_object ORDER BY key COLLATE "C"`);
    return {
      instruments: instruments.rows.map(([filename, instrumentIndex, track, channel, program, isDrum, name, noteCount]) => ({
        filename,
        instrumentIndex,
        track,
        channel,
        program,
        isDrum,
        name,
        noteCount,
      })),
      pairs: pairs.rows.map(([filenameA, filenameB, similarity, distance]) => ({ filenameA, filenameB, similarity, distance })),
      quarantined: quarantined.rows,
      recordedKeys: recorded.rows.map((row) => row.key),
    };
  } finally {
    await client.end();
  }
}
