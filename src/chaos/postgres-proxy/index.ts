/**
 * A protocol-aware Postgres proxy: statement-level faults (ErrorResponse of a
 * chosen SQLSTATE, lost COMMIT acknowledgement, COPY cut, hold, reset) that a
 * TCP proxy such as Toxiproxy cannot inject, and a recording of every
 * statement seen.
 *
 * ```ts
 * await using proxy = await PostgresProxy.start({ upstream: { host: "127.0.0.1", port: 5432 } });
 * // point the client at 127.0.0.1:proxy.port
 * const rule = proxy.addRule({ type: "error", match: { pattern: /INSERT INTO filepair/ }, occurrence: { nth: 2 }, sqlstate: "40001" });
 * const lost = proxy.addRule({ type: "commitAckLost", occurrence: { nth: 1 } });
 * // the COMMIT of the 3rd transaction that copied into one table:
 * proxy.addRule({ type: "commitAckLost", match: { kind: "commit", inTransactionWith: /^COPY filename_instrument\b/i }, occurrence: { nth: 3 } });
 * // ... run the client ...
 * rule.observations.faulted;          // [{ occurrence: 2, sqlstate: "40001", atMs, ... }]
 * await lostAckOutcomes(directUri, lost.observations.faulted.map((f) => f.xid!)); // [{ xid, committed: true }]
 * proxy.recording();                  // connects, begins, commits, copies per table, distinct statements
 * await rule.remove();                // idempotent
 * ```
 *
 * Limits: a simple Query holding several statements counts as one, of the
 * kind of its first; in an extended-protocol batch with several Executes, a
 * swallowing fault (error, reset) answers for the whole batch.
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
