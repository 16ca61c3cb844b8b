import type { ChaosEnvironment, ExperimentStatus, FaultRecord, Journal, ProbeSample, RollbackRecord } from "../core/index.ts";
import type { ExperimentDefinition } from "./experiment-definition.ts";
import { detectionAfter, recoveryAfter } from "./recovery-figures.ts";
import { safetyDeclarations } from "./safety-monitor.ts";

/** What an experiment run recorded, for {@link buildJournal}. Times are relative milliseconds unless named otherwise. */
export interface ExperimentRecord {
  definition: ExperimentDefinition;
  env: ChaosEnvironment;
  wallClockStart: Date;
  /** Monotonic time (performance.now()) the experiment started. */
  startedAt: number;
  status: ExperimentStatus;
  reason: string | undefined;
  timeLimitMs: number;
  samples: ProbeSample[];
  faults: FaultRecord[];
  rollbacks: RollbackRecord[];
  baselineThroughput: number;
  lowestThroughputDuringFault: number | undefined;
  steadyStateBefore: boolean | null;
  steadyStateAfter: boolean | null;
  /** Monotonic times the experiment's pipeline started and ended. */
  pipelineStartedAt: number | undefined;
  pipelineEndedAt: number | undefined;
  pipelineProcesses: number;
  retries: number;
  integrity: Journal["integrity"];
  golden: Journal["golden"];
  rerun: Journal["rerun"];
}

/** The steady state's default stability window: it must hold this long to count as recovered. */
export const DEFAULT_STABLE_FOR_MS = 1_000;

/** Milliseconds since the experiment started, to 0.1 ms. */
export function relativeTo(startedAt: number, monotonic: number): number {
  return Math.round((monotonic - startedAt) * 10) / 10;
}

/** The names of the hypothesis probes, whose samples decide deviation and recovery. */
export function hypothesisNames(definition: ExperimentDefinition): ReadonlySet<string> {
  return new Set(definition.hypothesis.map((probe) => probe.name));
}

/**
 * The pipeline finished before the fault was removed and every hypothesis
 * probe measures the running pipeline: the work is done, so there is
 * nothing left to recover (recovery time 0).
 */
export function nothingLeftToRecover(record: Pick<ExperimentRecord, "definition" | "startedAt" | "pipelineEndedAt">, removedAt: number): boolean {
  return (
    record.pipelineEndedAt !== undefined &&
    relativeTo(record.startedAt, record.pipelineEndedAt) <= removedAt &&
    record.definition.hypothesis.every((probe) => probe.whilePipelineRuns)
  );
}

function recoveryAfterRemoval(record: ExperimentRecord, samples: readonly ProbeSample[], removedAt: number): number | null {
  if (nothingLeftToRecover(record, removedAt)) return 0;
  return recoveryAfter(samples, hypothesisNames(record.definition), removedAt, record.definition.stableForMs ?? DEFAULT_STABLE_FOR_MS);
}

/** The journal of a finished run: recovery and detection figures computed from its samples; sets each removed fault's `recoveredAt`. */
export function buildJournal(record: ExperimentRecord): Journal {
  const { definition } = record;
  const names = hypothesisNames(definition);
  const during = record.samples.filter((sample) => sample.phase === "during");
  for (const fault of record.faults) {
    if (fault.removedAt === null) continue;
    const recovery = recoveryAfterRemoval(record, during, fault.removedAt);
    fault.recoveredAt = recovery === null ? null : fault.removedAt + recovery;
  }
  const removed = record.faults.filter((fault) => fault.removedAt !== null);
  const lastRemoval = removed.length > 0 ? Math.max(...removed.map((fault) => fault.removedAt!)) : null;
  const injected = record.faults.map((fault) => fault.injectedAt).filter((at): at is number => at !== null);
  const firstInjection = injected.length > 0 ? Math.min(...injected) : null;
  const declarations = definition.hypothesis.map((probe) => probe.declaration({ baselineThroughput: record.baselineThroughput }));
  const { baselineThroughput, lowestThroughputDuringFault, pipelineStartedAt, pipelineEndedAt } = record;
  return {
    schemaVersion: 1,
    id: definition.id,
    title: definition.title,
    cause: definition.cause,
    environment: { kind: record.env.kind, target: record.env.target },
    startedAt: record.wallClockStart.toISOString(),
    durationMs: Math.round(performance.now() - record.startedAt),
    status: record.status,
    steadyStateDeviated: during.some((sample) => names.has(sample.probe) && !sample.ok),
    steadyStateBefore: record.steadyStateBefore,
    steadyStateAfter: record.steadyStateAfter,
    budget: { ...definition.budget },
    probes: [
      ...declarations,
      ...safetyDeclarations(definition, record.baselineThroughput),
      { name: "time limit", unit: "ms", role: "safety", tolerance: `method stops and rolls back after ${record.timeLimitMs} ms` },
      ...(definition.maxRetries !== undefined
        ? [{ name: "retry limit", unit: "retries", role: "safety" as const, tolerance: `stops and rolls back above ${definition.maxRetries} retries` }]
        : []),
    ],
    faults: record.faults,
    samples: record.samples,
    rollbacks: record.rollbacks,
    figures: {
      recoveryMs: lastRemoval === null ? null : recoveryAfterRemoval(record, during, lastRemoval),
      detectionMs: firstInjection === null ? null : detectionAfter(during, names, firstInjection),
      baselineThroughput: Math.round(baselineThroughput * 10) / 10,
      throughputDuringFault:
        lowestThroughputDuringFault === undefined || baselineThroughput === 0
          ? null
          : Math.round((lowestThroughputDuringFault / baselineThroughput) * 1000) / 1000,
      pipelineDurationMs: pipelineStartedAt !== undefined && pipelineEndedAt !== undefined ? Math.round(pipelineEndedAt - pipelineStartedAt) : null,
      pipelineProcesses: record.pipelineProcesses,
      retries: record.retries,
    },
    integrity: record.integrity,
    ...(record.golden ? { golden: record.golden } : {}),
    ...(record.rerun ? { rerun: record.rerun } : {}),
    ...(record.reason !== undefined ? { reason: record.reason } : {}),
  };
}
