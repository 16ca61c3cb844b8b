import type { TableSnapshot } from "../../integrity/index.ts";
import type { IntegrityVerdict } from "../../core/index.ts";

const LISTED = 10;

/**
 * Jepsen-style check of an experiment's tables against the golden output of
 * a fault-free run of the same corpus: no row lost, none extra, none
 * duplicated, every value equal, and every input object accounted for
 * (written, or quarantined with a reason).
 */
export function checkIntegrity(golden: TableSnapshot, actual: TableSnapshot, inputKeys: readonly string[]): IntegrityVerdict {
  const instruments = compareRows(
    golden.instruments,
    actual.instruments,
    (row) => `instrument ${row.filename}#${row.instrumentIndex}`,
    (row) => JSON.stringify([row.track, row.channel, row.program, row.isDrum, row.name, row.noteCount]),
  );
  const pairs = compareRows(
    golden.pairs,
    actual.pairs,
    (row) => `pair ${row.filenameA} ~ ${row.filenameB}`,
    (row) => JSON.stringify([row.similarity, row.distance]),
  );
  const quarantine = compareRows(
    golden.quarantined,
    actual.quarantined,
    (row) => `quarantined ${row.key}`,
    (row) => JSON.stringify([row.stage, row.reason]),
  );
  const recorded = new Set(actual.recordedKeys);
  const withReason = new Set(actual.quarantined.filter((row) => row.reason.trim() !== "").map((row) => row.key));
  const unaccounted = inputKeys.filter((key) => !recorded.has(key) && !withReason.has(key));

  const lost = [...instruments.lost, ...pairs.lost, ...quarantine.lost];
  const extra = [...instruments.extra, ...pairs.extra, ...quarantine.extra];
  const duplicated = [...instruments.duplicated, ...pairs.duplicated, ...quarantine.duplicated];
  const mismatched = [...instruments.mismatched, ...pairs.mismatched, ...quarantine.mismatched];
  const problems = [
    countOf(lost.length, "row lost", "rows lost"),
    countOf(extra.length, "row extra", "rows extra"),
    countOf(duplicated.length, "row duplicated", "rows duplicated"),
    countOf(mismatched.length, "row with different values", "rows with different values"),
    countOf(unaccounted.length, "input object unaccounted for", "input objects unaccounted for"),
  ].filter((text): text is string => text !== undefined);
  const first = [...lost, ...extra, ...duplicated, ...mismatched, ...unaccounted][0];
  return {
    ok: problems.length === 0,
    summary:
      problems.length === 0
        ? `identical to the golden run: ${actual.instruments.length} instrument rows, ${actual.pairs.length} pairs, ${actual.quarantined.length} quarantined; all ${inputKeys.length} objects accounted for`
        : `${problems.join(", ")} (e.g. ${first})`,
    counts: {
      goldenInstruments: golden.instruments.length,
      instruments: actual.instruments.length,
      goldenPairs: golden.pairs.length,
      pairs: actual.pairs.length,
      quarantined: actual.quarantined.length,
      inputObjects: inputKeys.length,
    },
    lost: lost.slice(0, LISTED),
    lostCount: lost.length,
    extra: extra.slice(0, LISTED),
    extraCount: extra.length,
    duplicated: duplicated.slice(0, LISTED),
    duplicatedCount: duplicated.length,
    mismatched: mismatched.slice(0, LISTED),
    mismatchedCount: mismatched.length,
    unaccounted: unaccounted.slice(0, LISTED),
    quarantine: actual.quarantined.slice(0, 100).map(({ key, stage, reason }) => ({ key, stage, reason })),
  };
}

interface RowDifferences {
  lost: string[];
  extra: string[];
  duplicated: string[];
  mismatched: string[];
}

function compareRows<T>(golden: readonly T[], actual: readonly T[], keyOf: (row: T) => string, valueOf: (row: T) => string): RowDifferences {
  const expected = new Map(golden.map((row) => [keyOf(row), valueOf(row)]));
  const seen = new Map<string, number>();
  const differences: RowDifferences = { lost: [], extra: [], duplicated: [], mismatched: [] };
  for (const row of actual) {
    const key = keyOf(row);
    const times = (seen.get(key) ?? 0) + 1;
    seen.set(key, times);
    if (times === 2) differences.duplicated.push(key);
    if (times > 1) continue;
    const value = expected.get(key);
    if (value === undefined) differences.extra.push(key);
    else if (value !== valueOf(row)) differences.mismatched.push(`${key}: ${valueOf(row)} instead of ${value}`);
  }
  for (const key of expected.keys()) if (!seen.has(key)) differences.lost.push(key);
  return differences;
}

function countOf(n: number, one: string, many: string): string | undefined {
  return n === 0 ? undefined : `${n} ${n === 1 ? one : many}`;
}
