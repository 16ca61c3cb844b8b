import type pg from "pg";
import { BinaryCopyPayload } from "./binary-copy.ts";
import { copyIn } from "./copy-in.ts";
import { committedInWork } from "./transaction.ts";
import type { FileOutcome } from "./file-outcome.ts";

/** The instrument table's columns, in the order of {@link instrumentPayload}'s fields. */
export const INSTRUMENT_COLUMNS = "filename, instrument_index, track, channel, program, is_drum, instrument_name, note_count";
const LEDGER_COLUMNS = "key, etag, size, outcome, instruments, run_id";
const QUARANTINE_COLUMNS = "key, etag, stage, reason, detail, run_id";

type QuarantinedOutcome = Extract<FileOutcome, { kind: "quarantined" }>;

export interface BatchWriteOptions {
  /**
   * The caller saw none of these objects in the ledger, and this is the
   * transaction's first attempt (no earlier attempt can have committed). Then
   * the ledger is not read first; should an object have been recorded
   * meanwhile (another process), the ledger's primary key fails the
   * transaction, and its retry reads the ledger.
   */
  unrecorded?: boolean;
  /** Run in inTransaction: the batch's last query ends with its COMMIT (see committedInWork). */
  commit?: boolean;
}

/** Rows a batch added, per table. */
export interface BatchWriteResult {
  instrumentRows: number;
  written: number;
  quarantined: number;
  /** Outcomes skipped because the same object (key and ETag) was already recorded with the same outcome. */
  alreadyRecorded: number;
}

/**
 * Writes a batch of file outcomes inside the caller's transaction: instrument
 * rows, the source-object ledger and the quarantine, all or nothing. An object
 * already recorded with the same ETag and outcome is skipped, so a retried or
 * resumed batch never duplicates a row; a changed object replaces its rows.
 *
 * See {@link BatchWriteOptions} for the two ways a batch saves round trips.
 */
export async function writeExtractionBatch(
  client: pg.ClientBase,
  runId: string,
  outcomes: readonly FileOutcome[],
  options: BatchWriteOptions = {},
): Promise<BatchWriteResult> {
  const unique = new Map(outcomes.map((outcome) => [outcome.key, outcome]));
  if (options.unrecorded) return copyOutcomes(client, runId, [...unique.values()], 0, options.commit ?? false);
  const keys = [...unique.keys()];
  const { rows: existing } = await client.query<{ key: string; etag: string; outcome: string }>(
    "SELECT key, etag, outcome FROM source_object WHERE key = ANY($1::text[]) FOR UPDATE",
    [keys],
  );
  const recorded = new Map(existing.map((row) => [row.key, row]));
  const fresh = [...unique.values()].filter((outcome) => {
    const previous = recorded.get(outcome.key);
    return !(previous && previous.etag === outcome.etag && previous.outcome === outcome.kind);
  });
  const freshKeys = fresh.map((outcome) => outcome.key);
  if (fresh.length === 0) return { instrumentRows: 0, written: 0, quarantined: 0, alreadyRecorded: unique.size };

  const replaced = freshKeys.filter((key) => recorded.has(key));
  if (replaced.length > 0) {
    await client.query("DELETE FROM filename_instrument WHERE filename = ANY($1::text[])", [replaced]);
    await client.query("DELETE FROM source_object WHERE key = ANY($1::text[])", [replaced]);
    await client.query("DELETE FROM quarantined_object WHERE key = ANY($1::text[])", [replaced]);
  }

  return copyOutcomes(client, runId, fresh, unique.size - fresh.length, options.commit ?? false);
}

async function copyOutcomes(
  client: pg.ClientBase,
  runId: string,
  fresh: readonly FileOutcome[],
  alreadyRecorded: number,
  commit: boolean,
): Promise<BatchWriteResult> {
  const written = fresh.filter((outcome) => outcome.kind === "written");
  const quarantined = fresh.filter((outcome) => outcome.kind === "quarantined");
  const statements: string[] = [];
  const payloads: Buffer[][] = [];
  let instrumentRows = 0;
  if (written.length > 0) {
    const payload = instrumentPayload(written);
    instrumentRows = payload.rows;
    statements.push(`COPY filename_instrument (${INSTRUMENT_COLUMNS}) FROM STDIN (FORMAT binary)`);
    payloads.push(payload.finish());
  }
  statements.push(`COPY source_object (${LEDGER_COLUMNS}) FROM STDIN (FORMAT binary)`);
  payloads.push(ledgerPayload(fresh, runId).finish());
  if (quarantined.length > 0) {
    statements.push(`COPY quarantined_object (${QUARANTINE_COLUMNS}) FROM STDIN (FORMAT binary)`);
    payloads.push(quarantinePayload(quarantined, runId).finish());
  }
  if (commit) statements.push("COMMIT");
  await copyIn(client, statements.join("; "), payloads);
  if (commit) committedInWork(client);
  return { instrumentRows, written: written.length, quarantined: quarantined.length, alreadyRecorded };
}

/** The ledger entries of `keys`: which objects a resumed run can skip. */
export async function recordedObjects(
  client: pg.ClientBase,
  keys: readonly string[],
): Promise<Map<string, { etag: string; outcome: string; stage: string | null }>> {
  const { rows } = await client.query<{ key: string; etag: string; outcome: string; stage: string | null }>(
    `SELECT s.key, s.etag, s.outcome, q.stage
       FROM source_object s LEFT JOIN quarantined_object q ON q.key = s.key
      WHERE s.key = ANY($1::text[])`,
    [keys],
  );
  return new Map(rows.map((row) => [row.key, { etag: row.etag, outcome: row.outcome, stage: row.stage }]));
}

/** The instruments of `outcomes` as a binary COPY payload for {@link INSTRUMENT_COLUMNS}. */
export function instrumentPayload(outcomes: readonly FileOutcome[]): BinaryCopyPayload {
  const payload = new BinaryCopyPayload();
  for (const outcome of outcomes) {
    if (outcome.kind !== "written") continue;
    let index = 0;
    for (const instrument of outcome.instruments) {
      payload
        .tuple(8)
        .text(outcome.key)
        .int4(index++, "instrument_index")
        .int4(instrument.track, "track")
        .int2(instrument.channel, "channel")
        .int2(instrument.program, "program")
        .bool(instrument.isDrum)
        .text(instrument.name)
        .int4(instrument.noteCount, "note_count");
    }
  }
  return payload;
}

function ledgerPayload(outcomes: readonly FileOutcome[], runId: string): BinaryCopyPayload {
  const payload = new BinaryCopyPayload();
  for (const outcome of outcomes) {
    payload
      .tuple(6)
      .text(outcome.key)
      .text(outcome.etag)
      .int8(outcome.size, "size")
      .text(outcome.kind)
      .int4(outcome.kind === "written" ? outcome.instruments.length : 0, "instruments")
      .uuid(runId, "run_id");
  }
  return payload;
}

function quarantinePayload(outcomes: readonly QuarantinedOutcome[], runId: string): BinaryCopyPayload {
  const payload = new BinaryCopyPayload();
  for (const outcome of outcomes) {
    payload.tuple(6).text(outcome.key).text(outcome.etag).text(outcome.stage).text(outcome.reason).text(outcome.detail).uuid(runId, "run_id");
  }
  return payload;
}
