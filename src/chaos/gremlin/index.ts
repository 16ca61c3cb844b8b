/**
 * Gremlin as a fault provider for staging: attacks created through Gremlin's
 * REST API, watched until Running, halted on removal, rollback and Ctrl-C.
 */
export { gremlinFaults, GremlinFaults, type GremlinFaultsOptions } from "./gremlin-faults.ts";
export { DEFAULT_ATTACK_TIMING, type AttackTiming, type GremlinAttackObservations, type GremlinFaultHandle } from "./gremlin-attack.ts";
export type { StageTransition } from "./attack-watcher.ts";
export {
  MAX_ATTACK_LENGTH_SECONDS,
  type BlackholeAttackOptions,
  type CpuAttackOptions,
  type GremlinAttackKind,
  type GremlinTarget,
  type LatencyAttackOptions,
  type ShutdownAttackOptions,
  type TimedAttackOptions,
} from "./attack-spec.ts";
export {
  DEFAULT_GREMLIN_API_URL,
  GREMLIN_VARIABLES,
  gremlinConfigFromEnv,
  resolveGremlinConfig,
  type GremlinConfig,
  type GremlinConfigInput,
} from "./gremlin-config.ts";
export { GremlinApiError, GremlinAttackFailedError, GremlinConfigError, GremlinTargetRefusedError } from "./errors.ts";
