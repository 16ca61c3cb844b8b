/**
 * Overload and resource faults: a full connection table, a held table lock,
 * CPU-heavy queries, and CPU and memory pressure on the host. Each returns a
 * FaultHandle whose observations prove the fault took effect.
 */
export { exhaustPostgresConnections, type ConnectionExhaustionObservations } from "./connection-exhaustion.ts";
export { holdTableLock, TABLE_LOCK_MODES, LOCK_ACQUIRE_TIMEOUT_MS, type TableLockMode, type TableLockOptions } from "./table-lock.ts";
export { slowQueries, DEFAULT_ROWS_PER_QUERY, type SlowQueriesOptions, type SlowQueriesObservations } from "./slow-queries.ts";
export { cpuPressure, type CpuPressureObservations } from "./cpu-pressure.ts";
export { memoryPressure, type MemoryPressureObservations } from "./memory-pressure.ts";
export { memoryCapMebibytes } from "./resource-parameters.ts";
export type { EndedBy } from "./fault-duration.ts";
