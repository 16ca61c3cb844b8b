import type { FaultRecord, Journal, RerunRecord } from "../core/index.ts";
import { ofKind, type ObservedFaultKind, type TypedFaultRecord } from "./fault-observations.ts";

/**
 * Why the experiment never got to inject its faults, or undefined when it
 * did reach its method. A scenario's first assertion is usually about a
 * fault's observations; when the baseline run or the steady-state check
 * failed, that assertion would only say "no such fault" or "0 > 0" and hide
 * the real cause, so every helper that reads a journal leads with this.
 */
export function whyMethodNotReached(journal: Journal): string | undefined {
  if (journal.steadyStateBefore === true) return undefined;
  return `the experiment ${journal.status} before its method: ${journal.reason ?? "(no reason recorded)"}`;
}

/** The fault record named `name`; throws with the experiment's status and reason first when the fault was never injected. */
export function faultNamed(journal: Journal, name: string): FaultRecord;
/** The fault `name`, which must be of `kind`, with that kind's typed observations. */
export function faultNamed<K extends ObservedFaultKind>(journal: Journal, name: string, kind: K): TypedFaultRecord<K>;
export function faultNamed(journal: Journal, name: string, kind?: ObservedFaultKind): FaultRecord {
  const notReached = whyMethodNotReached(journal);
  const record = journal.faults.find((fault) => fault.name === name);
  if (notReached !== undefined && record?.injectedAt == null) throw new Error(`${notReached} (so fault "${name}" was never injected)`);
  if (!record) throw new Error(`no fault named "${name}" in the journal; it has: ${journal.faults.map((fault) => fault.name).join(", ") || "none"}`);
  if (record.injectedAt === null && journal.status !== "completed") {
    throw new Error(`fault "${name}" was never injected: the experiment ${journal.status}: ${record.error ?? journal.reason ?? "(no reason recorded)"}`);
  }
  return kind === undefined ? record : ofKind(record, kind);
}

/**
 * Samples of `probe` whose measurement began while `fault` was in effect: after
 * its effect was seen, and before its removal began. `removedAt` is stamped only
 * once the removal is seen, so a sample begun between the two would measure the
 * repaired system; a fault with a planned duration starts its removal at
 * `injectedAt + plannedDurationMs` (or earlier, when removed early).
 */
export function samplesWhileActive(journal: Journal, fault: FaultRecord, probe: string): Journal["samples"] {
  const notReached = whyMethodNotReached(journal);
  if (notReached !== undefined) throw new Error(notReached);
  const from = fault.injectedAt ?? Infinity;
  const plannedRemoval = fault.injectedAt !== null && fault.plannedDurationMs !== null ? fault.injectedAt + fault.plannedDurationMs : Infinity;
  const until = Math.min(fault.removedAt ?? Infinity, plannedRemoval);
  return journal.samples.filter((sample) => sample.probe === probe && sample.at >= from && sample.at <= until);
}

/** The first run and the operator's rerun; throws with why the experiment never got there (or that it declared no rerun). */
export function rerunOf(journal: Journal): RerunRecord {
  const notReached = whyMethodNotReached(journal);
  if (notReached !== undefined) throw new Error(notReached);
  if (!journal.rerun)
    throw new Error(
      `the journal has no rerun: the experiment ${journal.status} ${journal.reason ? `(${journal.reason}) ` : ""}before its first run ended, or declared no \`rerun\``,
    );
  return journal.rerun;
}
