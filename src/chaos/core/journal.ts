import type { DowntimeCause } from "./fault-handle.ts";
import type { EnvironmentKind } from "./chaos-environment.ts";

/** How an experiment ended (Chaos Toolkit's vocabulary). */
export type ExperimentStatus = "completed" | "failed" | "aborted" | "interrupted";

/** When a probe sample was taken, relative to the method. */
export type ExperimentPhase = "before" | "during" | "after";

/**
 * One reading of a probe. Times in this journal are milliseconds on a
 * monotonic clock, relative to the experiment's start.
 */
export interface ProbeSample {
  probe: string;
  at: number;
  phase: ExperimentPhase;
  /** The measured value in the probe's unit, or null when the probe could not measure (its `error` says why). */
  value: number | null;
  /** Whether the value was within the probe's tolerance. */
  ok: boolean;
  error?: string;
}

/** A probe of the steady-state hypothesis, as declared. */
export interface ProbeDeclaration {
  name: string;
  unit: string;
  /** Human-readable tolerance, e.g. ">= 30% of baseline (412 objects/s)". */
  tolerance: string;
  /** Safety probes abort the experiment when they fail; hypothesis probes only record a deviation. */
  role: "hypothesis" | "safety";
}

/** A fault of the method: what was planned, what happened. */
export interface FaultRecord {
  /** The scenario's name for this action, e.g. "kill -9 Postgres mid-COPY". */
  name: string;
  kind: string;
  cause: DowntimeCause;
  target: string;
  parameters: Readonly<Record<string, unknown>>;
  /** The planned trigger, e.g. "after 1000 ms" or "when a COPY is in flight". */
  trigger: string;
  plannedDurationMs: number | null;
  injectedAt: number | null;
  removedAt: number | null;
  /** When the steady state held again after removal; null if it never did. */
  recoveredAt: number | null;
  /** Facts proving the fault happened (killed PID, measured latency, errors served). */
  observations: Readonly<Record<string, unknown>>;
  /** Why it could not be injected or removed, if so. */
  error?: string;
}

/** A rollback action and how it went; every rollback runs, whatever failed before it. */
export interface RollbackRecord {
  name: string;
  at: number;
  ok: boolean;
  error?: string;
}

/** The measured figures an experiment is judged by. */
export interface ExperimentFigures {
  /** Fault removal until the steady state held again (the last fault's removal when several). */
  recoveryMs: number | null;
  /** Injection until the first probe failure; null when no probe ever failed. */
  detectionMs: number | null;
  /** Objects per second of the fault-free baseline run. */
  baselineThroughput: number;
  /** Lowest throughput while a fault was in effect, as a fraction of the baseline (1 = no dip). */
  throughputDuringFault: number | null;
  /** Wall time of the pipeline in the experiment, restarts included. */
  pipelineDurationMs: number | null;
  /** Pipeline processes started (1 + restarts). */
  pipelineProcesses: number;
  retries: number;
}

/** How the experiment's tables compare with the golden output of a fault-free run of the same corpus. */
export interface IntegrityVerdict {
  ok: boolean;
  /** One line naming what differed, or saying everything matched. */
  summary: string;
  counts: IntegrityCounts;
  /** Golden rows missing from the experiment's tables (first few, as keys). */
  lost: string[];
  lostCount: number;
  /** Rows the experiment has that the golden output does not. */
  extra: string[];
  extraCount: number;
  /** Rows present more than once. */
  duplicated: string[];
  duplicatedCount: number;
  /** Rows whose values (score, distance, instrument fields) differ. */
  mismatched: string[];
  mismatchedCount: number;
  /** Input objects neither written nor quarantined with a reason. */
  unaccounted: string[];
  /** What the experiment's run quarantined, and why (first 100); empty for a system without a quarantine. */
  quarantine: QuarantineEntry[];
}

/** The sizes an integrity verdict compares, whatever the system: its own tables or oracle queries by name. */
export interface IntegrityCounts {
  /** Rows per table or oracle query (Scale: `filename_instrument`, `filepair_similarity_score`; a command oracle: `output`). */
  rows: Record<string, { golden: number; experiment: number }>;
  /** Units of work of a complete run: Scale's input objects, another system's declared `workUnits`. */
  inputObjects: number;
  /** Objects the run quarantined; absent for a system that has no quarantine. */
  quarantined?: number;
}

/** An input object a system set aside instead of processing, and why. */
export interface QuarantineEntry {
  key: string;
  stage: string;
  reason: string;
}

/** One pipeline run of the method, as it ended. Times are relative milliseconds. */
export interface PipelineRunRecord {
  startedAt: number;
  endedAt: number;
  /** Exit code (0 done, 1 failed, 2 bad configuration, 130 interrupted), or null when ended by a signal. */
  exitCode: number | null;
  signal: string | null;
  /** The last lines of its output: the error it failed with (never credentials). */
  outputTail: string;
}

/**
 * The operator's second run (the definition's `rerun`): the first run may
 * fail, every fault is then removed and the pipeline runs again into the
 * same database; integrity is checked after the rerun.
 */
export interface RerunRecord {
  firstRun: PipelineRunRecord;
  /** What the system held quarantined once the first run ended, with the reasons; null for a system that has no quarantine. */
  quarantinedAfterFirstRun: QuarantineEntry[] | null;
  /** The rerun; null when the experiment stopped before it. */
  rerun: PipelineRunRecord | null;
}

/** Everything one experiment did and found: the JSON report is a list of these. */
export interface Journal {
  schemaVersion: 1;
  /** Stable id, from the scenario file, e.g. "postgres-kill-mid-copy". */
  id: string;
  title: string;
  cause: DowntimeCause;
  environment: { kind: EnvironmentKind; target: string };
  /** Wall-clock start (ISO 8601), for humans; every other time is monotonic and relative to it. */
  startedAt: string;
  durationMs: number;
  status: ExperimentStatus;
  /** Whether any hypothesis probe failed at any point (expected during a fault). */
  steadyStateDeviated: boolean;
  /** Whether the steady state held before the method and again after rollback. */
  steadyStateBefore: boolean | null;
  steadyStateAfter: boolean | null;
  budget: { recoveryMs: number };
  probes: ProbeDeclaration[];
  faults: FaultRecord[];
  samples: ProbeSample[];
  rollbacks: RollbackRecord[];
  figures: ExperimentFigures;
  integrity: IntegrityVerdict | null;
  /** The fault-free run compared against: its content key, and whether an earlier experiment of this test run with the same input ran it. */
  golden?: { key: string; reused: boolean };
  /** The first run and the operator's rerun, when the definition declared one. */
  rerun?: RerunRecord;
  /** Why it failed, aborted or was interrupted. */
  reason?: string;
}
