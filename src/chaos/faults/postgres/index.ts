/** Postgres protocol faults (ErrorResponse, lost COMMIT acknowledgement, COPY cut, hold, reset) as FaultHandles on an environment's PostgresProxy. */
export {
  injectPostgresRule,
  POSTGRES_FAULT_KINDS,
  type CommitAckLostObservations,
  type PostgresFaultedStatement,
  type PostgresFaultObservations,
  type PostgresRuleTarget,
} from "./postgres-rule-fault.ts";
