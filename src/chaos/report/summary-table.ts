import type { Journal } from "../core/index.ts";
import { formatIntegrity, formatRecoveryAgainstBudget, recoveryVerdict, recoveryVerdictWord } from "./report-format.ts";
import { formatTotals, reportTotals } from "./report-totals.ts";

const HEADERS = ["scenario", "cause", "status", "recovery / budget", "integrity"] as const;
const COLUMN_GAP = "  ";
/** Long integrity summaries are cut so a row fits a terminal; the HTML report has them in full. */
const MAX_INTEGRITY_CHARS = 60;

/**
 * A plain-text table of the suite run for the console, one row per journal
 * and a totals line. Scenarios are named by id, which is also their file name.
 */
export function formatSummaryTable(journals: readonly Journal[]): string {
  const rows = journals.map((journal) => {
    const verdict = recoveryVerdict(journal);
    return [
      journal.id,
      journal.cause,
      journal.status,
      `${formatRecoveryAgainstBudget(verdict)} ${recoveryVerdictWord(verdict)}`,
      truncate(formatIntegrity(journal), MAX_INTEGRITY_CHARS),
    ];
  });
  const table = [[...HEADERS], ...rows];
  const widths = HEADERS.map((_, column) => Math.max(...table.map((row) => (row[column] ?? "").length)));
  const lines = table.map((row) => formatRow(row, widths));
  const rule = widths.map((width) => "-".repeat(width)).join(COLUMN_GAP);
  return [lines[0], rule, ...lines.slice(1), rule, formatTotals(reportTotals(journals))].join("\n");
}

function formatRow(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((cell, column) => cell.padEnd(widths[column] ?? 0))
    .join(COLUMN_GAP)
    .trimEnd();
}

function truncate(text: string, maxChars: number): string {
  const oneLine = text.replace(/\s+/g, " ");
  return oneLine.length > maxChars ? `${oneLine.slice(0, maxChars - 1)}…` : oneLine;
}
