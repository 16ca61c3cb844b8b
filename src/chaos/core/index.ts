/**
 * The contracts every environment, fault library and experiment shares, and
 * the vocabulary they are written in. Imports no implementation: only the
 * pipeline's configuration type, the Toxiproxy toxic types and the Postgres
 * proxy's rule types.
 */
export type { ChaosEnvironment, EnvironmentKind, PipelineDatabase, SeedObject, ServiceName } from "./chaos-environment.ts";
export type {
  AttachedSystem,
  CommandLaunch,
  ContainerLaunch,
  DependencyFaults,
  DependencyNetwork,
  DependencyProtocol,
  HostPort,
  IntegrityOracle,
  KubernetesJobLaunch,
  ProgressReading,
  SystemDefinition,
  SystemDependency,
  SystemLaunch,
  SystemRunRequest,
  SystemSnapshot,
  SystemUnderTest,
} from "./system-under-test.ts";
export type { PipelineExit, PipelineLaunchRequest, PipelineProcess, PipelineProgress, PipelineShard } from "./pipeline-process.ts";
export { UnsupportedFaultError, type FaultLibrary, type FaultRequest } from "./fault-library.ts";
export { ENVIRONMENT_FAILURE_PREFIX, EnvironmentFailureError, environmentFailureIn } from "./environment-failure-error.ts";
export type { ConnectionExhaustionOptions, CpuPressureOptions, DownOptions, MemoryPressureOptions, PauseOptions } from "./fault-options.ts";
export {
  createFaultHandle,
  effectSeen,
  untilEffect,
  removeAll,
  FaultParameterError,
  FaultNotInEffectError,
  nonNegative,
  positiveInteger,
  probability,
  type DowntimeCause,
  type EffectSeenAt,
  type FaultDescription,
  type FaultHandle,
  type UntilEffectOptions,
} from "./fault-handle.ts";
export {
  resolveS3FaultSpec,
  type ResolvedFault,
  type ResolvedRule,
  type S3CorruptFault,
  type S3ErrorFault,
  type S3FaultSpec,
  type S3HangFault,
  type S3LatencyFault,
  type S3ResetFault,
  type S3RuleOptions,
  type S3TruncateFault,
  type TruncateFraming,
} from "./s3-fault-spec.ts";
export { EVERY_OCCURRENCE, resolveOccurrence, selectsOccurrence, type ResolvedOccurrence, type S3Occurrence } from "./s3-occurrence.ts";
export { matchesRequest, validateMatch, type S3RequestMatch } from "./s3-request-match.ts";
export { describeS3Request, S3_OPERATIONS, type S3Operation, type S3Request } from "./s3-request.ts";
export type * from "./journal.ts";
export { GuardRefusalError, GUARD_REFUSAL_PREFIX } from "./guard-refusal-error.ts";
export type * from "./exploration-journal.ts";
export { explorationTally, type ExplorationTally, type TalliedCell } from "./exploration-tally.ts";
export type * from "./resilience-report.ts";
export { deferInterruptsToApp, onInterrupt, trackChild } from "./child-registry.ts";
export { waitFor, WaitTimeoutError, type WaitOptions } from "./wait-for.ts";
