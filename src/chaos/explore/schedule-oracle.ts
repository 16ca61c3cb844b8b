/**
 * The oracle of a fault schedule: the explore cells' oracle (`judgeCell`),
 * with coverage for several faults. Every fault of the schedule must fire,
 * except one cut short: it did not fire, another fault of the schedule did,
 * and the first run ended without completing (a non-zero exit, or killed by
 * the schedule's SIGKILL), so the run never got to where it would have
 * fired. A run that exits 0 has gone the whole way: there every fault must
 * have fired. A failing run's error may name any fault that fired.
 */
import { judgeCell, NAMES_THE_FAILURE, type CellOutcome, type CellVerdict, type FailureNames } from "./cell-oracle.ts";
import { isPointFault, type ScheduledFault, type ProgressFaultType } from "./fault-schedule.ts";

/** How one fault of a schedule went in the first run. */
export interface ScheduledFaultOutcome {
  readonly fault: ScheduledFault;
  /** Whether it took effect during the first run. */
  readonly fired: boolean;
  /** The fault in plain words. */
  readonly description: string;
}

/** Everything the oracle needs about a schedule's run: the cell oracle's facts, with one fault outcome per scheduled fault. */
export type ScheduleOutcome = Omit<CellOutcome, "kind" | "fired"> & { readonly faults: readonly ScheduledFaultOutcome[] };

/** Words by which a failing run names each progress fault. */
const PROGRESS_NAMES: Readonly<Record<ProgressFaultType, RegExp>> = {
  partition:
    /ECONNREFUSED|ECONNRESET|EPIPE|socket hang up|Connection terminated|connection (?:was )?(?:closed|ended|lost|refused)|timeout|timed out|TimeoutError|AbortError/i,
  latency: /timeout|timed out|TimeoutError|AbortError/i,
  kill: /ECONNREFUSED|ECONNRESET|EPIPE|socket hang up|Connection terminated|terminating connection|57P01|57P03|shutting down|starting up|connection (?:was )?(?:closed|ended|lost|refused)|timeout|timed out/i,
};

/** Whether `fault` (not fired) was cut short by another fault that ended the first run. */
export function cutShort(outcome: ScheduleOutcome, fault: ScheduledFaultOutcome): boolean {
  return !fault.fired && outcome.first.code !== 0 && outcome.faults.some((other) => other !== fault && other.fired);
}

export function judgeSchedule(outcome: ScheduleOutcome): CellVerdict {
  const { faults, ...facts } = outcome;
  const fired = faults.filter((each) => each.fired);
  const missed = faults.filter((each) => !each.fired && !cutShort(outcome, each));
  if (!facts.first.timedOut && missed.length > 0) {
    const which = missed.map((each) => each.description).join("; ");
    return { green: false, kind: "not-reached", reason: `never fired (the run ${describeEnd(facts.first)}): ${which}` };
  }
  return judgeCell({ ...facts, kind: failureNames(fired), fired: fired.length > 0 });
}

/** What a failing run may name: the words of each fault that fired. */
function failureNames(fired: readonly ScheduledFaultOutcome[]): FailureNames {
  const patterns = fired.map(({ fault }) => (isPointFault(fault) ? NAMES_THE_FAILURE[fault.kind] : PROGRESS_NAMES[fault.fault]));
  return {
    what: fired.map(({ fault }) => (isPointFault(fault) ? `${fault.kind} at ${fault.point}` : `${fault.service} ${fault.fault}`)).join(" or ") || "faults",
    pattern: patterns.length > 0 ? new RegExp(patterns.map((pattern) => `(?:${pattern.source})`).join("|"), "i") : /(?!)/,
  };
}

function describeEnd(first: ScheduleOutcome["first"]): string {
  return first.signal ? `was killed by ${first.signal}` : `exited ${first.code}`;
}
