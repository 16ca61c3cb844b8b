import { ENVIRONMENT_FAILURE_PREFIX } from "../chaos/core/index.ts";
import { UNSUPPORTED_PREFIX, type Journal } from "../chaos/experiment/index.ts";
import type { RunVerdict } from "./run-verdict.ts";

/** What one experiment file's run comes to, and why it did not pass. */
export interface ExperimentVerdict {
  verdict: Exclude<RunVerdict, "nothing-ran"> | "nothing-ran";
  /** Each check that failed, in words; empty when it passed. */
  failures: string[];
}

/**
 * The verdict a scenario's three standard assertions give, for a file that
 * has no assertions of its own: the experiment completed (with a declared
 * rerun, the rerun exited 0), its tables match the golden output, and every
 * fault was injected, removed and recovered from within the budget.
 */
export function experimentVerdict(journal: Journal): ExperimentVerdict {
  const reason = journal.reason ?? "(no reason recorded)";
  if (journal.status === "interrupted") return { verdict: "interrupted", failures: [`interrupted: ${reason}`] };
  if (journal.status === "aborted") return { verdict: "aborted-by-safety", failures: [`aborted: ${reason}`] };
  if (journal.reason?.startsWith(ENVIRONMENT_FAILURE_PREFIX)) return { verdict: "failed-to-start", failures: [journal.reason] };
  if (journal.reason?.startsWith(UNSUPPORTED_PREFIX)) return { verdict: "nothing-ran", failures: [journal.reason] };
  const failures: string[] = [];
  if (journal.status !== "completed") failures.push(`the experiment ${journal.status}: ${reason}`);
  if (journal.rerun && journal.rerun.rerun?.exitCode !== 0) failures.push(`the operator's rerun did not exit 0`);
  if (!journal.integrity) failures.push("integrity was not checked");
  else if (!journal.integrity.ok) failures.push(`integrity: ${journal.integrity.summary}`);
  const notInjected = journal.faults.filter((fault) => fault.injectedAt === null || fault.removedAt === null);
  for (const fault of notInjected) failures.push(`fault "${fault.name}" was not both injected and removed${fault.error ? `: ${fault.error}` : ""}`);
  const recovery = journal.figures.recoveryMs;
  if (notInjected.length === 0 && recovery === null)
    failures.push(`the steady state never held again after the faults were removed (budget ${journal.budget.recoveryMs} ms)`);
  else if (recovery !== null && recovery > journal.budget.recoveryMs)
    failures.push(`recovery took ${recovery} ms, over the ${journal.budget.recoveryMs} ms budget`);
  return { verdict: failures.length === 0 ? "passed" : "scenario-failed", failures };
}
