import type { Journal } from "../core/index.ts";

/** The span a fault was in effect, on the experiment's clock (ms). */
export interface FaultWindow {
  name: string;
  fromMs: number;
  toMs: number;
  /** True when the fault was never removed: the window runs to the end of the timeline. */
  stillInEffect: boolean;
}

/** When the steady state held again after a fault. */
export interface RecoveryMarker {
  faultName: string;
  atMs: number;
}

/** The time axis shared by a scenario's charts. */
export interface ScenarioTimeline {
  startMs: number;
  endMs: number;
  faultWindows: FaultWindow[];
  recoveryMarkers: RecoveryMarker[];
}

/**
 * Builds the time axis of a scenario: from 0 (or an earlier sample) to the
 * latest of the journal's duration, samples and fault times, so nothing
 * recorded falls off the chart.
 */
export function scenarioTimeline(journal: Journal): ScenarioTimeline {
  const times = [
    0,
    journal.durationMs,
    ...journal.samples.map((sample) => sample.at),
    ...journal.faults.flatMap((fault) => [fault.injectedAt, fault.removedAt, fault.recoveredAt]),
  ].filter((time): time is number => typeof time === "number" && Number.isFinite(time));
  const startMs = Math.min(...times);
  const latest = Math.max(...times);
  const endMs = latest > startMs ? latest : startMs + 1;

  const faultWindows = journal.faults.flatMap((fault): FaultWindow[] =>
    fault.injectedAt === null ? [] : [{ name: fault.name, fromMs: fault.injectedAt, toMs: fault.removedAt ?? endMs, stillInEffect: fault.removedAt === null }],
  );
  const recoveryMarkers = journal.faults.flatMap((fault): RecoveryMarker[] =>
    fault.recoveredAt === null ? [] : [{ faultName: fault.name, atMs: fault.recoveredAt }],
  );
  return { startMs, endMs, faultWindows, recoveryMarkers };
}
