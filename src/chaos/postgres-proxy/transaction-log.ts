/**
 * The statements of a session's current transaction block, in the order the
 * client sent them, so a rule can match "the COMMIT of a transaction that ran
 * a COPY into filename_instrument" (`match.inTransactionWith`).
 */
import type { Statement } from "./statement.ts";

export class TransactionLog {
  private texts: string[] = [];

  /**
   * Adds `statement` and returns the texts of its transaction block so far,
   * itself included. A BEGIN starts a new block; after a COMMIT or ROLLBACK
   * the next statement starts one. Statements outside a block count as a
   * block that lasts until the next BEGIN.
   */
  track(statement: Statement): readonly string[] {
    if (statement.kind === "begin") this.texts = [];
    this.texts.push(statement.text);
    const block = this.texts;
    if (statement.kind === "commit" || statement.kind === "rollback") this.texts = [];
    return block;
  }
}

/**
 * Whether a transaction block is open when statement `index` of one request
 * runs, given whether one was open when the request began: a BEGIN earlier
 * in the request opens one, a COMMIT or ROLLBACK ends it.
 */
export function blockOpenAt(statements: readonly Statement[], index: number, openBefore: boolean): boolean {
  let open = openBefore;
  for (const statement of statements.slice(0, index)) {
    if (statement.kind === "begin") open = true;
    else if (statement.kind === "commit" || statement.kind === "rollback") open = false;
  }
  return open;
}

/** Whether statement `index` of a request still runs in the transaction that was open when the request began (no COMMIT or ROLLBACK before it). */
export function sameTransactionAt(statements: readonly Statement[], index: number): boolean {
  return !statements.slice(0, index).some((statement) => statement.kind === "commit" || statement.kind === "rollback");
}
