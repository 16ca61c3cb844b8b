import { describe, expect, it } from "vitest";
import { applicableKinds, faultPoints, occurrences, planExploration, selectCells, type ExplorationRecording } from "./exploration-plan.ts";
import { recordingDelta } from "./recording-delta.ts";

const COPY_INSTRUMENTS = "COPY filename_instrument (filename, instrument_index) FROM STDIN (FORMAT binary)";
const LOOKUP = "SELECT s.key FROM source_object s WHERE s.key = ANY(?::text[])";

/** A run that listed once, downloaded 5 objects, and wrote 3 batches in 4 transactions. */
const RECORDING: ExplorationRecording = {
  s3: { requests: 6, operations: { ListObjectsV2: 1, GetObject: 5 } },
  postgres: {
    connects: 2,
    begins: 4,
    commits: 4,
    rollbacks: 0,
    copies: { filename_instrument: 3 },
    statements: [
      { statement: "BEGIN", kind: "begin", count: 4 },
      { statement: LOOKUP, kind: "query", count: 2 },
      { statement: COPY_INSTRUMENTS, kind: "copy", count: 3 },
      { statement: "COMMIT", kind: "commit", count: 4 },
    ],
  },
};

describe("faultPoints", () => {
  it("lists S3 operations, then BEGIN, each statement and COPY by normalised text, then COMMIT, with how often each was reached", () => {
    expect(faultPoints(RECORDING).map((point) => [point.name, point.count])).toEqual([
      ["s3 ListObjectsV2", 1],
      ["s3 GetObject", 5],
      ["pg connect", 2],
      ["pg BEGIN", 4],
      ["pg SELECT s.key FROM source_object s WHERE s.key =…", 2],
      ["pg COPY filename_instrument", 3],
      ["pg COMMIT", 4],
    ]);
    expect(faultPoints(RECORDING)[5]!.target).toEqual({ service: "postgres", call: "copy", table: "filename_instrument", normalized: COPY_INSTRUMENTS });
  });

  it("numbers statements whose abbreviations coincide, so every point has its own name", () => {
    const long = (tail: string) => ({ statement: `SELECT ${"x, ".repeat(20)}${tail}`, kind: "query" as const, count: 1 });
    const names = faultPoints({ ...RECORDING, postgres: { ...RECORDING.postgres, statements: [long("a"), long("b")] } }).map((point) => point.name);
    expect(names.filter((name) => name.startsWith("pg SELECT"))).toEqual([expect.stringMatching(/…$/), expect.stringMatching(/… #2$/)]);
  });
});

describe("applicableKinds", () => {
  const [list, get, connect, begin, lookup, copy, commit] = faultPoints(RECORDING);
  it("gives a lost acknowledgement to COMMIT only, a write conflict to COPY only, a pooler's refusal to connect and BEGIN only, body faults to GetObject only, resets to every point", () => {
    expect(applicableKinds(commit!)).toEqual(["transient-error", "permanent-error", "hang", "reset", "commit-ack-lost", "sigkill"]);
    expect(applicableKinds(get!)).toEqual(["transient-error", "permanent-error", "hang", "reset", "truncated-body", "corrupted-body", "sigkill"]);
    expect(applicableKinds(list!)).toEqual(["transient-error", "permanent-error", "hang", "reset", "sigkill"]);
    expect(applicableKinds(copy!)).toEqual(["transient-error", "permanent-error", "hang", "reset", "write-conflict", "sigkill"]);
    for (const point of [connect!, begin!])
      expect(applicableKinds(point)).toEqual(["transient-error", "permanent-error", "hang", "reset", "pooler-error", "sigkill"]);
    expect(applicableKinds(lookup!)).toEqual(["transient-error", "permanent-error", "hang", "reset", "sigkill"]);
  });
});

describe("occurrences", () => {
  it("takes the first, a middle and the last reach, once each when they coincide", () => {
    expect(occurrences(1)).toEqual([{ label: "first", nth: 1 }]);
    expect(occurrences(2)).toEqual([
      { label: "first", nth: 1 },
      { label: "last", nth: 2 },
    ]);
    expect(occurrences(5).map((each) => each.nth)).toEqual([1, 3, 5]);
    expect(occurrences(4).map((each) => each.nth)).toEqual([1, 2, 4]);
    expect(occurrences(0)).toEqual([]);
  });
});

describe("planExploration and selectCells", () => {
  const plan = planExploration(RECORDING);

  it("crosses every point with its kinds and occurrences, one cell each, named point × kind × occurrence", () => {
    // ListObjectsV2 5×1, GetObject 7×3, connect 6×1 (its first reach only: see sureReaches), BEGIN 5×3 + a pooler's refusal at the first,
    // lookup 5×2, COPY 6×3, COMMIT 6×3
    expect(plan).toHaveLength(5 + 21 + 6 + 16 + 10 + 18 + 18);
    expect(plan.filter((cell) => cell.point.name === "pg connect").map((cell) => cell.occurrence)).toEqual(Array(6).fill("first"));
    expect(plan.filter((cell) => cell.kind === "pooler-error").map((cell) => [cell.name, cell.nth])).toEqual([
      ["pg connect × pooler-error × first", 1],
      ["pg BEGIN × pooler-error × first", 1],
    ]);
    expect(new Set(plan.map((cell) => cell.name)).size).toBe(plan.length);
    expect(plan).toContainEqual(expect.objectContaining({ name: "pg COMMIT × commit-ack-lost × middle", nth: 2, kind: "commit-ack-lost" }));
    expect(plan).toContainEqual(expect.objectContaining({ name: "s3 GetObject × corrupted-body × last", nth: 5 }));
  });

  it("smoke: every fault kind once per service, at the middle reach of the point reached most often (the first of equals)", () => {
    const smoke = selectCells(plan, "smoke");
    expect(smoke.map((cell) => cell.name)).toEqual([
      "s3 GetObject × transient-error × middle",
      "s3 GetObject × permanent-error × middle",
      "s3 GetObject × hang × middle",
      "s3 GetObject × reset × middle",
      "s3 GetObject × truncated-body × middle",
      "s3 GetObject × corrupted-body × middle",
      "s3 GetObject × sigkill × middle",
      "pg BEGIN × transient-error × middle",
      "pg BEGIN × permanent-error × middle",
      "pg BEGIN × hang × middle",
      "pg BEGIN × reset × middle",
      "pg BEGIN × pooler-error × first",
      "pg BEGIN × sigkill × middle",
      "pg COPY filename_instrument × write-conflict × middle",
      "pg COMMIT × commit-ack-lost × middle",
    ]);
  });

  it("filters by any of the given substrings of a cell's name, before selecting", () => {
    expect(selectCells(plan, "full", ["× sigkill × last", "ListObjectsV2 × hang"]).map((cell) => cell.name)).toEqual([
      "s3 ListObjectsV2 × hang × first",
      "s3 GetObject × sigkill × last",
      "pg BEGIN × sigkill × last",
      "pg SELECT s.key FROM source_object s WHERE s.key =… × sigkill × last",
      "pg COPY filename_instrument × sigkill × last",
      "pg COMMIT × sigkill × last",
    ]);
    expect(selectCells(plan, "smoke", ["pg COPY"]).map((cell) => cell.kind)).toEqual([
      "transient-error",
      "permanent-error",
      "hang",
      "reset",
      "write-conflict",
      "sigkill",
    ]);
    expect(selectCells(plan, "full", ["no such cell"])).toEqual([]);
  });
});

describe("recordingDelta", () => {
  it("keeps only what the later recording added: the environment is shared by every run", () => {
    const later: ExplorationRecording = {
      s3: { requests: 10, operations: { ListObjectsV2: 2, GetObject: 8 } },
      postgres: {
        ...RECORDING.postgres,
        connects: 3,
        begins: 6,
        commits: 6,
        copies: { filename_instrument: 5 },
        statements: [
          ...RECORDING.postgres.statements.map((each) => (each.kind === "query" ? each : { ...each, count: each.count + 2 })),
          { statement: "SELECT ?", kind: "query", count: 1 },
        ],
      },
    };
    expect(recordingDelta(RECORDING, later)).toEqual({
      s3: { requests: 4, operations: { ListObjectsV2: 1, GetObject: 3 } },
      postgres: {
        connects: 1,
        begins: 2,
        commits: 2,
        rollbacks: 0,
        copies: { filename_instrument: 2 },
        statements: [
          { statement: "BEGIN", kind: "begin", count: 2 },
          { statement: COPY_INSTRUMENTS, kind: "copy", count: 2 },
          { statement: "COMMIT", kind: "commit", count: 2 },
          { statement: "SELECT ?", kind: "query", count: 1 },
        ],
      },
    });
  });
});
