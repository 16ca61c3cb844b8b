/**
 * A protocol-aware Postgres proxy: statement-level faults (ErrorResponse of a
 * chosen SQLSTATE, lost COMMIT acknowledgement, COPY cut, hold, reset) that a
 * TCP proxy such as Toxiproxy cannot inject, and a recording of every
 * statement seen.
 */
export { PostgresProxy } from "./postgres-proxy.ts";
export type { PostgresProxyOptions } from "./postgres-proxy.ts";
export { POSTGRES_RULE_TYPES, PostgresRuleValidationError, resolveRuleSpec } from "./rule-spec.ts";
export type {
  CommitAckLostRuleSpec,
  CutMidCopyRuleSpec,
  ErrorRuleSpec,
  HoldRuleSpec,
  Occurrence,
  PostgresRuleSpec,
  PostgresRuleType,
  ResetRuleSpec,
  ResolvedRule,
  StatementMatch,
} from "./rule-spec.ts";
export type { RuleHandle } from "./rule-set.ts";
export type {
  CommitAckLostFault,
  CutMidCopyFault,
  ErrorFault,
  FaultByRuleType,
  HoldFault,
  MatchedStatement,
  ResetFault,
  RuleObservations,
} from "./rule-observations.ts";
export type { ProxyRecording, StatementCount } from "./recording.ts";
export { describeStatement, normalizeStatement, STATEMENT_KINDS } from "./statement.ts";
export type { Statement, StatementKind } from "./statement.ts";
export { lostAckOutcomes } from "./xact-status.ts";
export type { LostAckOutcome, XactStatus } from "./xact-status.ts";
export type { ErrorSeverity, TransactionStatus } from "./protocol.ts";
