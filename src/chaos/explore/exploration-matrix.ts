/**
 * The matrix of an exploration as a reader sees it: fault points down,
 * fault kinds across, one mark per occurrence run (✓ green, ✗ red), and
 * its totals.
 */
import { explorationTally, type ExplorationTally } from "../core/index.ts";
import type { CellResult } from "./cell-run.ts";
import type { ExplorationResult } from "./exploration.ts";
import { FAULT_KINDS, OCCURRENCE_LABELS, type FaultKind } from "./fault-point.ts";

/** Counts a verdict on the whole exploration rests on (the same tally the report reads from its journal). */
export type ExplorationTotals = ExplorationTally;

export function explorationTotals(result: Pick<ExplorationResult, "cells">): ExplorationTotals {
  return explorationTally(result.cells);
}

/** Short column titles, so the matrix fits a terminal. */
export const KIND_COLUMNS: Readonly<Record<FaultKind, string>> = {
  "transient-error": "transient",
  "permanent-error": "permanent",
  hang: "hang",
  reset: "reset",
  "commit-ack-lost": "ack-lost",
  "write-conflict": "conflict",
  "pooler-error": "pooler",
  "truncated-body": "truncated",
  "corrupted-body": "corrupted",
  sigkill: "sigkill",
};

/** The marks of one point × kind: one per occurrence run, in first/middle/last order; "" when none ran. */
export function matrixMarks(cells: readonly CellResult[], point: string, kind: FaultKind): string {
  return cells
    .filter((cell) => cell.point === point && cell.kind === kind)
    .sort((a, b) => OCCURRENCE_LABELS.indexOf(a.occurrence) - OCCURRENCE_LABELS.indexOf(b.occurrence))
    .map((cell) => (cell.verdict.green ? "✓" : "✗"))
    .join("");
}

/** The matrix as plain text: a row per point that ran, a column per fault kind that ran ("·": not run or not applicable). */
export function formatMatrix(result: Pick<ExplorationResult, "cells">): string {
  const points = [...new Set(result.cells.map((cell) => cell.point))];
  const kinds = FAULT_KINDS.filter((kind) => result.cells.some((cell) => cell.kind === kind));
  const width = Math.max(10, ...points.map((point) => point.length));
  const header = [`${"fault point".padEnd(width)}`, ...kinds.map((kind) => KIND_COLUMNS[kind].padEnd(9))].join("  ");
  const rows = points.map((point) =>
    [point.padEnd(width), ...kinds.map((kind) => (matrixMarks(result.cells, point, kind) || "·").padEnd(9))].join("  ").trimEnd(),
  );
  const totals = explorationTotals(result);
  const footer = `${totals.cells} cells: ${totals.green} green, ${totals.red} red (${totals.notReached} not reached); ${totals.pointsReached}/${totals.pointsRun} points reached`;
  return [header.trimEnd(), ...rows, footer].join("\n");
}
