/** The matrix as JUnit XML: one test case per cell, named `<point> × <kind> × <occurrence>`, failed when its verdict is red. */
import type { ExplorationResult } from "./exploration.ts";
import { explorationTotals } from "./exploration-matrix.ts";

export function explorationJUnit(result: Pick<ExplorationResult, "cells" | "durationMs" | "startedAt">): string {
  const totals = explorationTotals(result);
  const cases = result.cells.map((cell) => {
    const attributes = `classname="explore.${xml(cell.point)}" name="${xml(cell.name)}" time="${(cell.durationMs / 1000).toFixed(3)}"`;
    if (cell.verdict.green) return `    <testcase ${attributes}><system-out>${xml(`${cell.verdict.kind}: ${cell.verdict.reason}`)}</system-out></testcase>`;
    const message = `${cell.verdict.kind}: ${cell.verdict.reason}`;
    const detail = [
      message,
      `fault: ${cell.observed}`,
      `first run output:\n${cell.first.outputTail}`,
      cell.rerun ? `rerun output:\n${cell.rerun.outputTail}` : "",
    ].join("\n");
    return `    <testcase ${attributes}><failure message="${xml(message)}" type="${xml(cell.verdict.kind)}">${xml(detail)}</failure></testcase>`;
  });
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="chaos-control explore" tests="${totals.cells}" failures="${totals.red}" errors="0" time="${(result.durationMs / 1000).toFixed(3)}">`,
    `  <testsuite name="explore" timestamp="${xml(result.startedAt)}" tests="${totals.cells}" failures="${totals.red}" errors="0" skipped="0" time="${(result.durationMs / 1000).toFixed(3)}">`,
    ...cases,
    `  </testsuite>`,
    `</testsuites>`,
    ``,
  ].join("\n");
}

/** Escapes text for XML attributes and content; drops characters XML 1.0 cannot carry (process output may hold any). */
export function xml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}
