import type { ExperimentStatus, Journal } from "../core/index.ts";
import { recoveryVerdict, verdictOutcome } from "./report-format.ts";

/** Counts over a suite run, for the totals line of both summaries. */
export interface ReportTotals {
  scenarios: number;
  byStatus: Record<ExperimentStatus, number>;
  recovery: { withinBudget: number; failed: number; notMeasured: number };
  integrity: { ok: number; failed: number; notChecked: number };
}

export function reportTotals(journals: readonly Journal[]): ReportTotals {
  const totals: ReportTotals = {
    scenarios: journals.length,
    byStatus: { completed: 0, failed: 0, aborted: 0, interrupted: 0 },
    recovery: { withinBudget: 0, failed: 0, notMeasured: 0 },
    integrity: { ok: 0, failed: 0, notChecked: 0 },
  };
  for (const journal of journals) {
    totals.byStatus[journal.status] += 1;
    const outcome = verdictOutcome(recoveryVerdict(journal));
    if (outcome === "pass") totals.recovery.withinBudget += 1;
    else if (outcome === "fail") totals.recovery.failed += 1;
    else totals.recovery.notMeasured += 1;
    if (journal.integrity === null) totals.integrity.notChecked += 1;
    else if (journal.integrity.ok) totals.integrity.ok += 1;
    else totals.integrity.failed += 1;
  }
  return totals;
}

/** "3 scenarios: 2 completed, 1 failed · recovery within budget 2/3 · integrity intact 2/3 (1 not checked)". */
export function formatTotals(totals: ReportTotals): string {
  const statuses = Object.entries(totals.byStatus)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${count} ${status}`);
  const judgedRecoveries = totals.recovery.withinBudget + totals.recovery.failed;
  const checkedIntegrity = totals.integrity.ok + totals.integrity.failed;
  const parts = [
    `${totals.scenarios} scenario${totals.scenarios === 1 ? "" : "s"}${statuses.length > 0 ? `: ${statuses.join(", ")}` : ""}`,
    `recovery within budget ${totals.recovery.withinBudget}/${judgedRecoveries}${totals.recovery.notMeasured > 0 ? ` (${totals.recovery.notMeasured} not measured)` : ""}`,
    `integrity intact ${totals.integrity.ok}/${checkedIntegrity}${totals.integrity.notChecked > 0 ? ` (${totals.integrity.notChecked} not checked)` : ""}`,
  ];
  return parts.join(" · ");
}
