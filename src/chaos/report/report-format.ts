import type { Journal } from "../core/index.ts";

/** How a scenario's recovery compares with its budget. */
export type RecoveryVerdict =
  | { kind: "within-budget"; recoveryMs: number; budgetMs: number }
  | { kind: "over-budget"; recoveryMs: number; budgetMs: number }
  /** A fault was removed but the steady state never held again. */
  | { kind: "never-recovered"; budgetMs: number }
  /** Nothing to judge: no fault was removed (interrupted, aborted, or never injected). */
  | { kind: "not-measured"; budgetMs: number };

export function recoveryVerdict(journal: Journal): RecoveryVerdict {
  const budgetMs = journal.budget.recoveryMs;
  const recoveryMs = journal.figures.recoveryMs;
  if (recoveryMs !== null) {
    return { kind: recoveryMs <= budgetMs ? "within-budget" : "over-budget", recoveryMs, budgetMs };
  }
  const removedButNotRecovered = journal.faults.some((fault) => fault.removedAt !== null && fault.recoveredAt === null);
  return { kind: removedButNotRecovered ? "never-recovered" : "not-measured", budgetMs };
}

/** Whether a verdict passes, fails, or cannot be judged. */
export function verdictOutcome(verdict: RecoveryVerdict): "pass" | "fail" | "none" {
  switch (verdict.kind) {
    case "within-budget":
      return "pass";
    case "over-budget":
    case "never-recovered":
      return "fail";
    case "not-measured":
      return "none";
  }
}

/** "12,345" for 12345.4: grouping is fixed (en-US), so reports do not depend on the machine's locale. */
export function formatNumber(value: number, fractionDigits = 0): string {
  return value.toLocaleString("en-US", { minimumFractionDigits: 0, maximumFractionDigits: fractionDigits });
}

/** "1,234 ms", or "—" for a figure that was not measured. */
export function formatMs(ms: number | null | undefined): string {
  return ms === null || ms === undefined || !Number.isFinite(ms) ? "—" : `${formatNumber(ms)} ms`;
}

/** "820 / 5,000 ms", "— / 5,000 ms". */
export function formatRecoveryAgainstBudget(verdict: RecoveryVerdict): string {
  const recovery = "recoveryMs" in verdict ? formatNumber(verdict.recoveryMs) : "—";
  return `${recovery} / ${formatNumber(verdict.budgetMs)} ms`;
}

/** One word for a recovery verdict: "ok", "OVER", "NEVER", "n/a". */
export function recoveryVerdictWord(verdict: RecoveryVerdict): string {
  switch (verdict.kind) {
    case "within-budget":
      return "ok";
    case "over-budget":
      return "OVER";
    case "never-recovered":
      return "NEVER";
    case "not-measured":
      return "n/a";
  }
}

/**
 * The throughput dip while a fault was in effect, e.g. "−68% (to 132 of 412 objects/s)";
 * "—" when it was not measured.
 */
export function formatThroughputDip(journal: Journal): string {
  const fraction = journal.figures.throughputDuringFault;
  if (fraction === null || !Number.isFinite(fraction)) return "—";
  const dipPercent = Math.round((1 - fraction) * 100);
  const baseline = journal.figures.baselineThroughput;
  const during = formatNumber(fraction * baseline, 1);
  const sign = dipPercent > 0 ? "−" : dipPercent < 0 ? "+" : "";
  return `${sign}${Math.abs(dipPercent)}% (to ${during} of ${formatNumber(baseline, 1)} objects/s)`;
}

/** The integrity verdict in one phrase. */
export function formatIntegrity(journal: Journal): string {
  const integrity = journal.integrity;
  if (integrity === null) return "not checked";
  return `${integrity.ok ? "ok" : "FAIL"}: ${integrity.summary}`;
}
