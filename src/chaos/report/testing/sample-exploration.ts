import type { ExplorationJournal, ExploredCell, ExploredRunExit, IntegrityVerdict } from "../../core/index.ts";

const KINDS = ["transient-error", "permanent-error", "hang", "reset", "commit-ack-lost", "truncated-body", "corrupted-body", "sigkill"];

const done: ExploredRunExit = { code: 0, signal: null, timedOut: false, outputTail: "Scale pipeline summary\n  written 10", durationMs: 1_300 };

/** An integrity verdict of tables that lost rows, as the integrity check writes it. */
export function tablesWithLostRows(): IntegrityVerdict {
  return {
    ok: false,
    summary: "3 rows lost (e.g. instrument explore/songs/song-04.mid#0)",
    counts: {
      rows: { filename_instrument: { golden: 14, experiment: 11 }, filepair_similarity_score: { golden: 3, experiment: 3 } },
      quarantined: 0,
      inputObjects: 10,
    },
    lost: ["instrument explore/songs/song-04.mid#0", "instrument explore/songs/song-04.mid#1", "instrument explore/songs/song-04.mid#2"],
    lostCount: 3,
    extra: [],
    extraCount: 0,
    duplicated: [],
    duplicatedCount: 0,
    mismatched: [],
    mismatchedCount: 0,
    unaccounted: [],
    quarantine: [],
  };
}

/** A cell named after its point, kind and occurrence; green unless `fields` say otherwise. */
export function exploredCell(point: string, kind: string, occurrence: "first" | "middle" | "last", fields: Partial<ExploredCell> = {}): ExploredCell {
  const name = `${point} × ${kind} × ${occurrence}`;
  return {
    name,
    point,
    kind,
    occurrence,
    nth: occurrence === "first" ? 1 : occurrence === "middle" ? 3 : 5,
    verdict: { green: true, kind: "completed-identical", reason: "completed despite the fault; identical to the golden run" },
    observed: `${point.replace(/^(pg|s3) /, "")} (match 1, connection 2)`,
    first: done,
    durationMs: 1_800,
    replay: `npm run explore -- --filter '${name}'`,
    ...fields,
  };
}

/** An exploration of 3 points with 3 red cells: one not reached, one not repaired (tables lost rows), one unnamed failure. */
export function sampleExploration(): ExplorationJournal {
  const failed = (error: string): ExploredRunExit => ({
    code: 1,
    signal: null,
    timedOut: false,
    outputTail: `[ 0.4s] stage extract started\npipeline failed: ${error}\n`,
    durationMs: 900,
  });
  const cells: ExploredCell[] = [
    ...(["first", "middle", "last"] as const).flatMap((occurrence) =>
      ["transient-error", "hang", "reset", "truncated-body", "sigkill"].map((kind) => exploredCell("s3 GetObject", kind, occurrence)),
    ),
    exploredCell("s3 GetObject", "corrupted-body", "first"),
    exploredCell("s3 GetObject", "corrupted-body", "last", {
      verdict: { green: false, kind: "not-reached", reason: "the fault never fired: the run exited 0 without reaching the planned point" },
      observed: "nothing faulted",
    }),
    exploredCell("pg COMMIT", "commit-ack-lost", "first"),
    exploredCell("pg COMMIT", "commit-ack-lost", "middle", {
      verdict: { green: false, kind: "not-repaired", reason: "the rerun completed with tables unlike the golden run's: 3 rows lost" },
      first: failed("Connection terminated unexpectedly"),
      rerun: done,
      rerunTables: tablesWithLostRows(),
    }),
    exploredCell("pg COMMIT", "commit-ack-lost", "last"),
    exploredCell("pg BEGIN", "permanent-error", "first"),
    exploredCell("pg BEGIN", "reset", "middle", {
      verdict: { green: false, kind: "unnamed-failure", reason: "exited 1 with an error that does not name the reset: <script>alert(1)</script>" },
      first: failed("<script>alert(1)</script>"),
      rerun: done,
    }),
  ];
  return {
    startedAt: "2026-12-07T11:00:00.000Z",
    durationMs: 61_000,
    selection: "full",
    filters: [],
    corpusObjects: 10,
    points: [
      { name: "s3 GetObject", count: 10 },
      { name: "pg BEGIN", count: 6 },
      { name: "pg COMMIT", count: 6 },
    ],
    kinds: KINDS,
    plannedCells: 90,
    cells,
    skipped: 0,
  };
}
