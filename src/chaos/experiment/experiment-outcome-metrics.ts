import { Gauge } from "prom-client";
import { faultActivityRegistry, pushChaosSeries } from "./fault-activity.ts";
import type { Journal } from "../core/index.ts";

const labelNames = ["experiment", "environment"] as const;

/** `chaos_experiment_passed`: 1 when the experiment completed, its tables matched the golden run and it recovered within budget. */
const passed = new Gauge({
  name: "chaos_experiment_passed",
  help: "1 when the last run of the experiment completed, kept integrity and recovered within budget; 0 otherwise.",
  labelNames,
  registers: [faultActivityRegistry],
});
const recovery = new Gauge({
  name: "chaos_experiment_recovery_seconds",
  help: "Recovery time of the last run: the last fault's removal until the steady state held again.",
  labelNames,
  registers: [faultActivityRegistry],
});
const budget = new Gauge({
  name: "chaos_experiment_recovery_budget_seconds",
  help: "The recovery budget the experiment states.",
  labelNames,
  registers: [faultActivityRegistry],
});
const integrity = new Gauge({
  name: "chaos_experiment_integrity_ok",
  help: "1 when the last run's tables equalled the golden run's; 0 when they differed or were not checked.",
  labelNames,
  registers: [faultActivityRegistry],
});
const finished = new Gauge({
  name: "chaos_experiment_last_run_timestamp_seconds",
  help: "When the last run of the experiment ended (Unix time).",
  labelNames,
  registers: [faultActivityRegistry],
});

/** What a journal comes to as metric values (recovery in seconds, or null when not measured). */
export function experimentOutcome(journal: Journal): { passed: boolean; recoverySeconds: number | null; budgetSeconds: number; integrityOk: boolean } {
  const recoveryMs = journal.figures.recoveryMs;
  const integrityOk = journal.integrity?.ok === true;
  const withinBudget = recoveryMs !== null && recoveryMs <= journal.budget.recoveryMs;
  return {
    passed: journal.status === "completed" && integrityOk && withinBudget,
    recoverySeconds: recoveryMs === null ? null : recoveryMs / 1000,
    budgetSeconds: journal.budget.recoveryMs / 1000,
    integrityOk,
  };
}

/**
 * Sets the outcome series of one experiment next to `chaos_fault_active`
 * and pushes them with it (when CHAOS_PUSHGATEWAY_URL is set), so nightly
 * trends of verdicts, recovery times and integrity show in Grafana.
 */
export async function recordExperimentOutcome(journal: Journal, now = Date.now()): Promise<void> {
  const labels = { experiment: journal.id, environment: journal.environment.kind };
  const outcome = experimentOutcome(journal);
  passed.set(labels, outcome.passed ? 1 : 0);
  if (outcome.recoverySeconds === null) recovery.remove(labels);
  else recovery.set(labels, outcome.recoverySeconds);
  budget.set(labels, outcome.budgetSeconds);
  integrity.set(labels, outcome.integrityOk ? 1 : 0);
  finished.set(labels, Math.round(now / 1000));
  await pushChaosSeries();
}
