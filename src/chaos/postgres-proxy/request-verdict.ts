/**
 * Judges the statements of one client request (a simple Query, possibly of
 * several statements, or an extended batch) against the rules, each
 * statement on its own and in order, with the transaction block it runs in.
 */
import { performance } from "node:perf_hooks";
import { setTimeout as delay } from "node:timers/promises";
import type { FiredRule, RuleSet } from "./rule-set.ts";
import type { Statement } from "./statement.ts";
import type { TransactionLog } from "./transaction-log.ts";

/** One client request as a session handles it. */
export interface Request {
  readonly statements: readonly Statement[];
  readonly raws: readonly Buffer[];
  /** Syncs it carries (a simple Query counts as one): the ReadyForQuery messages it will get. */
  readonly syncs: number;
  readonly extended: boolean;
  /** Names its Parse messages defined, forgotten again when it is swallowed. */
  readonly parsed: readonly string[];
}

/** A rule that decides what becomes of the request: every type but hold. */
export type DecidingRule = FiredRule<"error"> | FiredRule<"reset"> | FiredRule<"commitAckLost"> | FiredRule<"cutMidCopy">;

export interface Verdict {
  /** Hold rules that fired, in statement order: the whole request waits for each, then goes on. */
  readonly holds: readonly { readonly fired: FiredRule<"hold">; readonly statement: Statement }[];
  /** The first other rule that fired, on statement `index` of the request. */
  readonly fault: { readonly fired: DecidingRule; readonly statement: Statement; readonly index: number } | undefined;
}

/**
 * Every statement goes into the transaction log; statements after the one a
 * deciding rule fired on are not matched, since that fault decides whether
 * they run at all (an error or reset keeps the request from the server, a cut
 * ends the session before them).
 */
export function judgeStatements(statements: readonly Statement[], rules: RuleSet, transaction: TransactionLog, connection: number): Verdict {
  const holds: { fired: FiredRule<"hold">; statement: Statement }[] = [];
  let fault: Verdict["fault"];
  for (const [index, statement] of statements.entries()) {
    const block = transaction.track(statement);
    if (fault) continue;
    const fired = rules.evaluate(statement, connection, block);
    if (fired?.rule.type === "hold") holds.push({ fired: fired as FiredRule<"hold">, statement });
    else if (fired) fault = { fired: fired as DecidingRule, statement, index };
  }
  return { holds, fault };
}

/** Waits out each hold in turn and records it; `signal` ends the wait when the session closes. */
export async function waitOutHolds(holds: Verdict["holds"], connection: number, signal: AbortSignal): Promise<void> {
  for (const { fired, statement } of holds) {
    const started = performance.now();
    await delay(fired.rule.delayMs, undefined, { signal });
    fired.record({ kind: statement.kind, statement: statement.normalized, connection, atMs: started, heldMs: performance.now() - started });
  }
}
