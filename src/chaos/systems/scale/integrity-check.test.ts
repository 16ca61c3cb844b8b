import { describe, expect, it } from "vitest";
import type { InstrumentRow, PairRow, QuarantineRow, TableSnapshot } from "../../integrity/index.ts";
import { checkIntegrity } from "./integrity-check.ts";

function instrument(filename: string, overrides: Partial<InstrumentRow> = {}): InstrumentRow {
  return { filename, instrumentIndex: 0, track: 0, channel: 0, program: 0, isDrum: false, name: "Acoustic Grand Piano", noteCount: 12, ...overrides };
}

function pair(filenameA: string, filenameB: string, similarity = 0.5): PairRow {
  return { filenameA, filenameB, similarity, distance: 1 - similarity };
}

function snapshot(parts: Partial<TableSnapshot> = {}): TableSnapshot {
  const instruments = parts.instruments ?? [instrument("a.mid"), instrument("b.mid"), instrument("c.mid")];
  const quarantined = parts.quarantined ?? [];
  return {
    instruments,
    pairs: parts.pairs ?? [pair("a.mid", "b.mid", 0.9), pair("a.mid", "c.mid", 0.2)],
    quarantined,
    recordedKeys: parts.recordedKeys ?? [...new Set(instruments.map((row) => row.filename)), ...quarantined.map((row) => row.key)],
  };
}

const KEYS = ["a.mid", "b.mid", "c.mid"];

describe("checkIntegrity", () => {
  it("passes identical snapshots and says so", () => {
    const verdict = checkIntegrity(snapshot(), snapshot(), KEYS);
    expect(verdict.ok).toBe(true);
    expect(verdict.summary).toBe("identical to the golden run: 3 instrument rows, 2 pairs, 0 quarantined; all 3 objects accounted for");
    expect([verdict.lostCount, verdict.extraCount, verdict.duplicatedCount, verdict.mismatchedCount, verdict.unaccounted.length]).toEqual([0, 0, 0, 0, 0]);
  });

  it("finds a lost instrument row and a lost pair, naming the first", () => {
    const actual = snapshot({ instruments: [instrument("a.mid"), instrument("c.mid")], pairs: [pair("a.mid", "c.mid", 0.2)], recordedKeys: KEYS });
    const verdict = checkIntegrity(snapshot(), actual, KEYS);
    expect(verdict.ok).toBe(false);
    expect(verdict.lost).toEqual(["instrument b.mid#0", "pair a.mid ~ b.mid"]);
    expect(verdict.lostCount).toBe(2);
    expect(verdict.summary).toBe("2 rows lost (e.g. instrument b.mid#0)");
  });

  it("finds an extra row", () => {
    const actual = snapshot({ instruments: [instrument("a.mid"), instrument("b.mid"), instrument("c.mid"), instrument("c.mid", { instrumentIndex: 1 })] });
    const verdict = checkIntegrity(snapshot(), actual, KEYS);
    expect(verdict.ok).toBe(false);
    expect(verdict.extra).toEqual(["instrument c.mid#1"]);
    expect(verdict.summary).toBe("1 row extra (e.g. instrument c.mid#1)");
  });

  it("finds a duplicated row once, however many copies there are", () => {
    const actual = snapshot({ pairs: [pair("a.mid", "b.mid", 0.9), pair("a.mid", "b.mid", 0.9), pair("a.mid", "b.mid", 0.9), pair("a.mid", "c.mid", 0.2)] });
    const verdict = checkIntegrity(snapshot(), actual, KEYS);
    expect(verdict.ok).toBe(false);
    expect(verdict.duplicated).toEqual(["pair a.mid ~ b.mid"]);
    expect(verdict.duplicatedCount).toBe(1);
    expect(verdict.lostCount + verdict.extraCount + verdict.mismatchedCount).toBe(0);
    expect(verdict.summary).toBe("1 row duplicated (e.g. pair a.mid ~ b.mid)");
  });

  it("finds rows whose values differ and shows both values", () => {
    const actual = snapshot({
      instruments: [instrument("a.mid"), instrument("b.mid", { noteCount: 11 }), instrument("c.mid")],
      pairs: [pair("a.mid", "b.mid", 0.9), pair("a.mid", "c.mid", 0.25)],
    });
    const verdict = checkIntegrity(snapshot(), actual, KEYS);
    expect(verdict.ok).toBe(false);
    expect(verdict.mismatchedCount).toBe(2);
    expect(verdict.mismatched[0]).toBe('instrument b.mid#0: [0,0,0,false,"Acoustic Grand Piano",11] instead of [0,0,0,false,"Acoustic Grand Piano",12]');
    expect(verdict.mismatched[1]).toMatch(/^pair a\.mid ~ c\.mid: \[0\.25,0\.75\] instead of \[0\.2,0\.8\]$/);
    expect(verdict.summary).toMatch(/^2 rows with different values \(e\.g\. instrument b\.mid#0: /);
  });

  it("finds input objects neither written nor quarantined", () => {
    const verdict = checkIntegrity(snapshot(), snapshot(), [...KEYS, "d.mid"]);
    expect(verdict.ok).toBe(false);
    expect(verdict.unaccounted).toEqual(["d.mid"]);
    expect(verdict.summary).toBe("1 input object unaccounted for (e.g. d.mid)");
  });

  it("accounts for an object quarantined with a reason", () => {
    const quarantined: QuarantineRow[] = [{ key: "d.mid", stage: "parse", reason: "not a MIDI file" }];
    const verdict = checkIntegrity(snapshot({ quarantined }), snapshot({ quarantined, recordedKeys: KEYS }), [...KEYS, "d.mid"]);
    expect(verdict.ok).toBe(true);
    expect(verdict.quarantine).toEqual(quarantined);
  });

  it("counts an object quarantined with an empty reason as unaccounted for", () => {
    const quarantined: QuarantineRow[] = [{ key: "d.mid", stage: "parse", reason: "  " }];
    const verdict = checkIntegrity(snapshot({ quarantined }), snapshot({ quarantined, recordedKeys: KEYS }), [...KEYS, "d.mid"]);
    expect(verdict.ok).toBe(false);
    expect(verdict.unaccounted).toEqual(["d.mid"]);
  });

  it("finds a quarantined object whose reason changed", () => {
    const golden = snapshot({ quarantined: [{ key: "d.mid", stage: "parse", reason: "truncated" }] });
    const actual = snapshot({ quarantined: [{ key: "d.mid", stage: "download", reason: "timeout" }] });
    const verdict = checkIntegrity(golden, actual, [...KEYS, "d.mid"]);
    expect(verdict.ok).toBe(false);
    expect(verdict.mismatched).toEqual(['quarantined d.mid: ["download","timeout"] instead of ["parse","truncated"]']);
  });

  it("names every kind of difference in the summary, in a fixed order", () => {
    const actual = snapshot({
      instruments: [instrument("b.mid", { program: 5 }), instrument("c.mid"), instrument("c.mid"), instrument("e.mid")],
      recordedKeys: ["b.mid", "c.mid", "e.mid"],
    });
    const verdict = checkIntegrity(snapshot(), actual, KEYS);
    expect(verdict.summary).toBe(
      "1 row lost, 1 row extra, 1 row duplicated, 1 row with different values, 1 input object unaccounted for (e.g. instrument a.mid#0)",
    );
    expect(verdict.counts).toEqual({
      rows: { filename_instrument: { golden: 3, experiment: 4 }, filepair_similarity_score: { golden: 2, experiment: 2 } },
      quarantined: 0,
      inputObjects: 3,
    });
  });

  it("lists at most ten differences but counts them all", () => {
    const many = Array.from({ length: 25 }, (_, i) => instrument(`song-${String(i).padStart(2, "0")}.mid`));
    const verdict = checkIntegrity(snapshot({ instruments: many }), snapshot({ instruments: [] }), []);
    expect(verdict.lost).toHaveLength(10);
    expect(verdict.lostCount).toBe(25);
    expect(verdict.summary).toMatch(/^25 rows lost/);
  });
});
