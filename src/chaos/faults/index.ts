/** The fault library: every fault returns a {@link FaultHandle}; {@link FaultInjector} is the one entry point per environment. */
export {
  createFaultHandle,
  effectSeen,
  untilEffect,
  removeAll,
  FaultParameterError,
  FaultNotInEffectError,
  type EffectSeenAt,
  type DowntimeCause,
  type FaultDescription,
  type FaultHandle,
} from "./fault-handle.ts";
export { FaultInjector, type ProcessTarget } from "./fault-injector.ts";
export { killProcess, stopProcess, pauseProcess, type DownOptions, type PauseOptions } from "./process/process-faults.ts";
export type { FaultableProcess } from "./process/faultable-process.ts";
export { injectToxic, partition } from "./network/network-faults.ts";
export { S3FaultProxy, type S3FaultSpec, type S3ErrorFault, type S3LatencyFault, type S3TruncateFault, type S3CorruptFault } from "./s3/index.ts";
export {
  exhaustPostgresConnections,
  holdTableLock,
  slowQueries,
  cpuPressure,
  memoryPressure,
  TABLE_LOCK_MODES,
  type ConnectionExhaustionOptions,
  type TableLockOptions,
  type SlowQueriesOptions,
  type CpuPressureOptions,
  type MemoryPressureOptions,
} from "./resource/index.ts";
