/** Chaos experiments: steady-state hypothesis, method, rollbacks, journal; as Vitest fixtures for scenarios. */
export { chaosTest, junitProperties } from "./chaos-test.ts";
export { faultNamed, samplesWhileActive, whyMethodNotReached } from "./journal-queries.ts";
export { runExperiment, UNSUPPORTED_PREFIX } from "./run-experiment.ts";
export type { ExperimentDefinition } from "./experiment-definition.ts";
export { fault, type FaultAction, type ActionContext } from "./fault-action.ts";
export { afterMs, afterProgress, whileStatementRuns, atLaunch, type Trigger } from "./trigger.ts";
export { throughput, errorRate, answersWithin, THROUGHPUT_PROBE, ERROR_RATE_PROBE, LATENCY_PROBE, type Probe } from "./probe.ts";
export type { FaultObservationsByKind, ObservedFaultKind, TypedFaultRecord } from "./fault-observations.ts";
export { checkBlastRadius, BlastRadiusError, ALLOW_TARGET_VARIABLE, DEFAULT_BLAST_RADIUS, type BlastRadiusLimits } from "./blast-radius.ts";
export { checkIntegrity } from "./integrity-check.ts";
export { writeJournal, journalDirectory, reportsDirectory } from "../report/index.ts";
export { syntheticSongs, corruptObjects } from "./scenario-corpus.ts";
export { selectedEnvironmentKind, startEnvironment, ENVIRONMENT_VARIABLE } from "./select-environment.ts";
export type * from "../core/index.ts";
export { pipelineSteadyState, type SteadyStateTolerances } from "./steady-state.ts";
export { faultActivityRegistry } from "./fault-activity.ts";
export { experimentOutcome, recordExperimentOutcome } from "./experiment-outcome-metrics.ts";
export { clusterTest, clusterSkipReason, CLUSTER_SCENARIO_TIMEOUT_MS, type ClusterScenarioNeed } from "./cluster-test.ts";
