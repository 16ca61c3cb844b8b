import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readExplorationJournal } from "../report/index.ts";
import type { CellResult } from "./cell-run.ts";
import type { ExplorationResult } from "./exploration.ts";
import { explorationHtml } from "./exploration-html.ts";
import { explorationJournal, writeExplorationJournal } from "./exploration-journal.ts";
import { cellReplayCommand } from "./replay-command.ts";
import { explorationJUnit } from "./exploration-junit.ts";
import { explorationTotals, formatMatrix } from "./exploration-matrix.ts";
import { FAULT_KINDS } from "./fault-point.ts";

const exit = { code: 0, signal: null, timedOut: false, outputTail: "done", durationMs: 1_000 };
const cell = (
  point: string,
  kind: CellResult["kind"],
  occurrence: CellResult["occurrence"],
  green: boolean,
  kindOfVerdict = green ? "completed-identical" : "not-repaired",
): CellResult => ({
  name: `${point} × ${kind} × ${occurrence}`,
  point,
  kind,
  occurrence,
  nth: occurrence === "first" ? 1 : occurrence === "middle" ? 2 : 4,
  verdict: { green, kind: kindOfVerdict as CellResult["verdict"]["kind"], reason: green ? "tables equal" : "the rerun completed with <3 rows> & more" },
  observed: "COMMIT (match 2, connection 3)",
  first: exit,
  durationMs: 1_500,
});

const CELLS: CellResult[] = [
  cell("pg COMMIT", "commit-ack-lost", "last", true),
  cell("pg COMMIT", "commit-ack-lost", "first", true),
  cell("pg COMMIT", "commit-ack-lost", "middle", false),
  cell("pg COMMIT", "reset", "first", true),
  cell("s3 GetObject", "corrupted-body", "first", false, "not-reached"),
];
const RESULT: ExplorationResult = {
  startedAt: "2026-12-07T11:00:00.000Z",
  durationMs: 61_000,
  selection: "full",
  filters: [],
  corpusObjects: 10,
  golden: { durationMs: 1_000, instruments: 137, pairs: 3 },
  recording: { s3: { requests: 0, operations: {} }, postgres: { connects: 0, begins: 0, commits: 0, rollbacks: 0, copies: {}, statements: [] } },
  points: [],
  plannedCells: 40,
  cells: CELLS,
  skipped: 0,
};

describe("the exploration matrix", () => {
  it("counts green, red and unreached cells, and the points whose every cell fired", () => {
    expect(explorationTotals(RESULT)).toEqual({ cells: 5, green: 3, red: 2, notReached: 1, pointsRun: 2, pointsReached: 1 });
  });

  it("prints a row per point and a column per kind that ran, marks in first/middle/last order", () => {
    expect(formatMatrix(RESULT).split("\n")).toEqual([
      "fault point   reset      ack-lost   corrupted",
      "pg COMMIT     ✓          ✓✗✓        ·",
      "s3 GetObject  ·          ·          ✗",
      "5 cells: 3 green, 2 red (1 not reached); 1/2 points reached",
    ]);
  });

  it("writes one JUnit test case per cell, named point × kind × occurrence, failed with its verdict when red", () => {
    const xml = explorationJUnit(RESULT);
    expect(xml).toContain('<testsuites name="chaos-control explore" tests="5" failures="2"');
    expect(xml.match(/<testcase /g)).toHaveLength(5);
    expect(xml).toContain(
      'name="pg COMMIT × commit-ack-lost × middle" time="1.500"><failure message="not-repaired: the rerun completed with &lt;3 rows&gt; &amp; more" type="not-repaired">',
    );
    expect(xml).toContain('name="s3 GetObject × corrupted-body × first" time="1.500"><failure message="not-reached:');
    expect(xml.match(/<failure /g)).toHaveLength(2);
  });

  it("renders explore.html as the resilience report's exploration section, every verdict escaped and the red cells linked", () => {
    const page = explorationHtml(RESULT);
    expect(page).toContain(`<section class="exploration" id="exploration">`);
    expect(page).toContain("5 cells: 3 green, 2 red (1 not reached)");
    expect(page).toContain("1/2 planned fault points reached");
    expect(page).toContain("the rerun completed with &lt;3 rows&gt; &amp; more");
    expect(page).not.toContain("<3 rows>");
    expect(page.match(/<a class="cell-mark fail"/g)).toHaveLength(2);
    expect(page).toContain("<h3>Red cells</h3>");
  });
});

describe("the exploration journal", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "exploration-journal-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("is written as explore.json and read back by the resilience report as written: the two sides agree on its schema", async () => {
    const path = await writeExplorationJournal(RESULT, dir);
    expect(path).toBe(join(dir, "explore.json"));
    const read = await readExplorationJournal(dir);
    expect(read).toEqual(JSON.parse(JSON.stringify(explorationJournal(RESULT))));
    expect(read?.kinds).toEqual([...FAULT_KINDS]);
    expect(read?.cells.map((each) => each.replay)).toContain("npm run explore -- --filter 'pg COMMIT × commit-ack-lost × middle'");
  });

  it("gives each cell a replay command that selects it alone, quoted for the shell", () => {
    expect(cellReplayCommand({ name: "pg SELECT 'a' × reset × first" })).toBe(`npm run explore -- --filter 'pg SELECT '\\''a'\\'' × reset × first'`);
  });
});
