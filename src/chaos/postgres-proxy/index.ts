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
 * Each statement of a simple Query holding several (`COPY a ...; COPY b ...;
 * COMMIT`) is seen, recorded and matched on its own, in order: kinds,
 * patterns, occurrences, and the transaction block `inTransactionWith` looks
 * at (a COPY earlier in the Query counts for a COMMIT later in it). A fault
 * on one statement acts on its request (the Query, or an extended batch up
 * to Sync) as a whole:
 * - error: the request is answered with the ErrorResponse (and ReadyForQuery)
 *   without forwarding any of it. A server would have run the statements
 *   before it and then rolled back the implicit transaction block, or left
 *   the explicit one failed (the proxy reports that status and keeps the
 *   client to ROLLBACK): the data ends the same, unless the request commits
 *   before the faulted statement, whose work is then not done either.
 * - reset: both connections are reset when the request arrives; none of it is forwarded.
 * - hold: the whole request waits, then goes on; the other rules still apply to it.
 * - commitAckLost: the request is forwarded; the CommandComplete of that
 *   COMMIT is dropped and both connections are cut. What the server answered
 *   for the statements before it (CopyInResponse, CommandComplete) is
 *   forwarded as it comes: it is true, the client needs a CopyInResponse to
 *   send its data, and with no ReadyForQuery the client cannot take the
 *   request as a success. The xid is asked for before the request is
 *   forwarded, so it is known only for a transaction open before it: a
 *   COMMIT of a block the same Query begins is dropped with `xid: undefined`.
 * - cutMidCopy: the request is forwarded; only the data of the matched COPY
 *   (the client sends each COPY's data, up to its CopyDone, in statement
 *   order) counts toward the cut.
 * Statements after the one an error, reset, commitAckLost or cutMidCopy
 * fired on are recorded but not matched: that fault decides whether they run.
 *
 * A rule naming the kind "connect" acts on a session's startup instead
 * (`{ type: "error", match: { kind: "connect" }, sqlstate: "57P03", occurrence: { nth: 2 } }`):
 * error refuses the session with a FATAL ErrorResponse, reset cuts it, hold
 * delays it. Rules that do not name the kind never see startups.
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
