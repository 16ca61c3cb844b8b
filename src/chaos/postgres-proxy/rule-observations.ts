/** What each rule saw and did, typed per rule type, so a test reads `rule.observations.faulted[0].xid` without a cast. */
import type { ErrorSeverity } from "./protocol.ts";
import type { PostgresRuleType } from "./rule-spec.ts";
import type { StatementKind } from "./statement.ts";

/** A statement a rule matched. */
export interface MatchedStatement {
  /** Which match of this rule it was, counting from 1. */
  readonly occurrence: number;
  readonly kind: StatementKind;
  /** Normalised text. */
  readonly statement: string;
  /** The proxy's connection number (counting from 1). */
  readonly connection: number;
  /** Whether the rule fired on it (its occurrence was chosen and no earlier rule fired). */
  readonly fired: boolean;
  /** `performance.now()` when it was matched. */
  readonly atMs: number;
}

interface FaultBase {
  readonly occurrence: number;
  readonly kind: StatementKind;
  readonly statement: string;
  readonly connection: number;
  /** `performance.now()` once the effect was observable: the answer sent, the sockets cut, the hold begun. */
  readonly atMs: number;
}

export interface ErrorFault extends FaultBase {
  readonly sqlstate: string;
  readonly severity: ErrorSeverity;
}

export interface CommitAckLostFault extends FaultBase {
  /** The transaction's id (`pg_current_xact_id()`), or undefined when the COMMIT came outside a transaction block. */
  readonly xid: string | undefined;
}

export interface CutMidCopyFault extends FaultBase {
  /** The COPY's table, as written. */
  readonly table: string | undefined;
  /** CopyData payload bytes that passed before the cut. */
  readonly bytesPassed: number;
  /** Complete CopyData messages that passed before the cut. */
  readonly messagesPassed: number;
  /** Whether the client had already sent CopyDone/CopyFail (the COPY ended before the threshold). */
  readonly atCopyEnd: boolean;
}

export interface HoldFault extends FaultBase {
  /** Measured time the statement was held, in milliseconds. */
  readonly heldMs: number;
}

export type ResetFault = FaultBase;

export interface FaultByRuleType {
  error: ErrorFault;
  commitAckLost: CommitAckLostFault;
  cutMidCopy: CutMidCopyFault;
  hold: HoldFault;
  reset: ResetFault;
}

/** One rule's observations; arrays grow while the rule is installed. */
export interface RuleObservations<T extends PostgresRuleType = PostgresRuleType> {
  readonly matched: readonly MatchedStatement[];
  readonly faulted: readonly FaultByRuleType[T][];
}
