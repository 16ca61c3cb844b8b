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
