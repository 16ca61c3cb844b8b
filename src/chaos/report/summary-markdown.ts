import type { Journal } from "../core/index.ts";
import { formatIntegrity, formatRecoveryAgainstBudget, recoveryVerdict, recoveryVerdictWord } from "./report-format.ts";
import { formatTotals, reportTotals } from "./report-totals.ts";

/**
 * The recovery table as GitHub-flavoured Markdown, for a workflow's
 * `$GITHUB_STEP_SUMMARY`: one row per journal, then the totals line.
 */
export function formatSummaryMarkdown(journals: readonly Journal[]): string {
  if (journals.length === 0) return "No chaos experiment ran.\n";
  const rows = journals.map((journal) => {
    const verdict = recoveryVerdict(journal);
    const cells = [
      journal.id,
      journal.cause,
      journal.environment.kind,
      journal.status,
      `${formatRecoveryAgainstBudget(verdict)} ${recoveryVerdictWord(verdict)}`,
      formatIntegrity(journal),
    ];
    return `| ${cells.map(escapeCell).join(" | ")} |`;
  });
  return [
    "| scenario | cause | environment | status | recovery / budget | integrity |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
    formatTotals(reportTotals(journals)),
    "",
  ].join("\n");
}

function escapeCell(text: string): string {
  return text.replace(/\s+/g, " ").replace(/\|/g, "\\|");
}
