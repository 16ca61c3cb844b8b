import { describe, expect, it } from "vitest";
import type { TableSnapshot } from "../integrity/index.ts";
import { judgeCell, type CellOutcome, type CellRunExit } from "./cell-oracle.ts";
import { compareTables } from "./tables-comparison.ts";

const done: CellRunExit = { code: 0, signal: null, timedOut: false, outputTail: "Scale pipeline summary\n  written 10", durationMs: 1_200 };
const failed = (error: string): CellRunExit => ({
  code: 1,
  signal: null,
  timedOut: false,
  outputTail: `[ 0.4s] stage extract started\npipeline failed: ${error}\n`,
  durationMs: 900,
});
const piano = { filename: "a", instrumentIndex: 0, track: 0, channel: 0, program: 1, isDrum: false, name: "Piano", noteCount: 3 };
const goldenTables: TableSnapshot = { instruments: [piano], pairs: [], quarantined: [], recordedKeys: ["a"] };
const equal = compareTables(goldenTables, structuredClone(goldenTables));
const lost = compareTables(goldenTables, { ...goldenTables, instruments: [] });

const outcome = (fields: Partial<CellOutcome>): CellOutcome => ({ kind: "transient-error", fired: true, killedByCell: false, first: done, ...fields });

describe("judgeCell: acceptable outcomes", () => {
  it("green: exit 0 with the golden tables", () => {
    expect(judgeCell(outcome({ firstTables: equal }))).toMatchObject({ green: true, kind: "completed-identical" });
  });

  it("green: a non-zero exit whose error names the failure, then a plain rerun with the golden tables", () => {
    const first = failed("OperationFailedError: write instruments failed after 1 attempt: error 42501: SQLSTATE 42501 injected by the chaos Postgres proxy");
    expect(judgeCell(outcome({ kind: "permanent-error", first, rerun: done, rerunTables: equal }))).toMatchObject({
      green: true,
      kind: "failed-then-repaired",
    });
  });

  it("green: killed by the cell at the point (SIGKILL names itself), then a plain rerun with the golden tables", () => {
    const first = { ...done, code: null, signal: "SIGKILL", outputTail: "[ 0.3s] files 2/10" };
    expect(judgeCell(outcome({ kind: "sigkill", killedByCell: true, first, rerun: done, rerunTables: equal }))).toMatchObject({
      green: true,
      kind: "killed-then-repaired",
    });
  });

  it("green: exit 0 with only the faulted object quarantined under a reason naming the failure, which the rerun writes", () => {
    const quarantined = { ...lost, quarantinedInstead: ["s3-AccessDenied"] };
    expect(judgeCell(outcome({ kind: "permanent-error", firstTables: quarantined, rerun: done, rerunTables: equal }))).toMatchObject({
      green: true,
      kind: "quarantined-then-repaired",
    });
  });
});

describe("judgeCell: forbidden outcomes", () => {
  it("red: exit 0 with tables unlike the golden run's", () => {
    expect(judgeCell(outcome({ firstTables: lost }))).toMatchObject({ green: false, kind: "completed-with-different-tables" });
  });

  it("red: exit 0 with an object quarantined for a reason that is not the fault's, even when a rerun repairs it", () => {
    const quarantined = { ...lost, quarantinedInstead: ["midi-invalid-header"] };
    expect(judgeCell(outcome({ kind: "permanent-error", firstTables: quarantined, rerun: done, rerunTables: equal }))).toMatchObject({
      green: false,
      kind: "completed-with-different-tables",
    });
  });

  it("red: the run outlived its deadline, whatever else happened", () => {
    const hung = { ...done, code: null, signal: "SIGKILL", timedOut: true, durationMs: 45_000 };
    expect(judgeCell(outcome({ kind: "hang", first: hung }))).toMatchObject({ green: false, kind: "hang" });
    expect(judgeCell(outcome({ kind: "hang", first: failed("TimeoutError: Query read timeout"), rerun: hung }))).toMatchObject({ green: false, kind: "hang" });
  });

  it("red: a failure whose error does not name the fault (progress lines do not count)", () => {
    const first = { ...failed("Error: something went wrong"), outputTail: "[ 0.4s] retries 1 (ECONNRESET)\npipeline failed: Error: something went wrong" };
    expect(judgeCell(outcome({ kind: "reset", first, rerun: done, rerunTables: equal }))).toMatchObject({ green: false, kind: "unnamed-failure" });
  });

  it("red: a state the plain rerun cannot repair: it fails, or completes with other tables", () => {
    const first = failed("OperationFailedError: commit failed after 1 attempt: Error ECONNRESET: read ECONNRESET");
    expect(judgeCell(outcome({ kind: "reset", first, rerun: failed("error: duplicate key value violates unique constraint") }))).toMatchObject({
      green: false,
      kind: "rerun-failed",
    });
    expect(judgeCell(outcome({ kind: "reset", first, rerun: done, rerunTables: lost }))).toMatchObject({ green: false, kind: "not-repaired" });
  });

  it("red: the planned point was never reached, even when the run itself was fine (coverage is a verdict)", () => {
    expect(judgeCell(outcome({ fired: false, firstTables: equal }))).toMatchObject({ green: false, kind: "not-reached" });
  });

  it("red: a SIGKILL the cell did not send is a crash, judged like any failure", () => {
    const first = { ...done, code: null, signal: "SIGKILL", outputTail: "" };
    expect(judgeCell(outcome({ kind: "hang", first, rerun: done, rerunTables: equal }))).toMatchObject({ green: false, kind: "unnamed-failure" });
  });
});

describe("compareTables", () => {
  const row = (filename: string, instrumentIndex = 0) => ({
    filename,
    instrumentIndex,
    track: 0,
    channel: 0,
    program: 1,
    isDrum: false,
    name: "Piano",
    noteCount: 3,
  });
  const golden: TableSnapshot = {
    instruments: [row("a"), row("b")],
    pairs: [{ filenameA: "a", filenameB: "b", similarity: 0.5, distance: 0.5 }],
    quarantined: [],
    recordedKeys: ["a", "b"],
  };

  it("is equal only row for row, duplicates and values included", () => {
    expect(compareTables(golden, structuredClone(golden)).equal).toBe(true);
    expect(compareTables(golden, { ...golden, instruments: [row("a"), row("b"), row("b")] })).toMatchObject({
      equal: false,
      summary: expect.stringContaining("1 row duplicated (e.g. instrument b#0)"),
    });
    expect(compareTables(golden, { ...golden, pairs: [{ ...golden.pairs[0]!, similarity: 0.51 }] })).toMatchObject({ equal: false });
  });

  it("names the quarantine reasons when objects were quarantined at download instead of written, and nothing else was added", () => {
    const quarantined = { key: "b", stage: "download", reason: "s3-AccessDenied" };
    expect(compareTables(golden, { ...golden, instruments: [row("a")], pairs: [], quarantined: [quarantined] })).toMatchObject({
      equal: false,
      quarantinedInstead: ["s3-AccessDenied"],
    });
    expect(compareTables(golden, { ...golden, instruments: [row("a"), row("c")], pairs: [], quarantined: [quarantined] }).quarantinedInstead).toBeUndefined();
    expect(
      compareTables(golden, { ...golden, instruments: [row("a")], pairs: [], quarantined: [{ ...quarantined, stage: "parse" }] }).quarantinedInstead,
    ).toBeUndefined();
  });
});
