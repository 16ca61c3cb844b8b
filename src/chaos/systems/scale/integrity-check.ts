import type { TableSnapshot } from "../../integrity/index.ts";
import type { IntegrityVerdict } from "../../core/index.ts";
import { compareRows, concatDifferences, integrityVerdict } from "../row-differences.ts";

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
  return integrityVerdict({
    differences: concatDifferences([instruments, pairs, quarantine]),
    unaccounted,
    counts: {
      rows: {
        filename_instrument: { golden: golden.instruments.length, experiment: actual.instruments.length },
        filepair_similarity_score: { golden: golden.pairs.length, experiment: actual.pairs.length },
      },
      inputObjects: inputKeys.length,
      quarantined: actual.quarantined.length,
    },
    quarantine: actual.quarantined,
    intact: `identical to the golden run: ${actual.instruments.length} instrument rows, ${actual.pairs.length} pairs, ${actual.quarantined.length} quarantined; all ${inputKeys.length} objects accounted for`,
  });
}
