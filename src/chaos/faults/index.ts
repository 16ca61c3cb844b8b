/**
 * Fault mechanics every environment may use, whatever runs its services:
 * signals to a {@link FaultableProcess}, Toxiproxy toxics and partitions, the
 * S3 fault proxy, Postgres protocol faults, connection/lock/CPU/memory pressure, bad objects in the
 * bucket, and {@link ProxiedFaultLibrary}, the base of the fault libraries of
 * Toxiproxy-fronted environments. Every fault returns a core FaultHandle.
 */
export { killProcess, stopProcess, pauseProcess } from "./process/process-faults.ts";
export type { FaultableProcess } from "./process/faultable-process.ts";
export { injectToxic, partition, TOXIC_CAUSES } from "./network/network-faults.ts";
export {
  S3FaultProxy,
  s3ErrorXml,
  type S3ProxyRecording,
  type S3FaultHandle,
  type S3FaultObservations,
  type S3FaultProxyOptions,
  type S3FaultedRequest,
} from "./s3/index.ts";
export {
  exhaustPostgresConnections,
  holdTableLock,
  slowQueries,
  cpuPressure,
  memoryPressure,
  memoryCapMebibytes,
  TABLE_LOCK_MODES,
  LOCK_ACQUIRE_TIMEOUT_MS,
  DEFAULT_ROWS_PER_QUERY,
  type ConnectionExhaustionObservations,
  type CpuPressureObservations,
  type EndedBy,
  type MemoryPressureObservations,
  type SlowQueriesObservations,
  type SlowQueriesOptions,
  type TableLockMode,
  type TableLockOptions,
} from "./resource/index.ts";
export {
  injectPostgresRule,
  POSTGRES_FAULT_KINDS,
  type CommitAckLostObservations,
  type PostgresFaultedStatement,
  type PostgresFaultObservations,
  type PostgresRuleTarget,
} from "./postgres/index.ts";
export { badObjectsInBucket, type BadObject } from "./data/bad-objects.ts";
export { ProxiedFaultLibrary, type ProxiedFaultSurface } from "./proxied-fault-library.ts";
