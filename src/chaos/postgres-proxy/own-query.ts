/** A query the proxy sends itself on a session's server connection; its reply is consumed, not forwarded. */
import { BACKEND, queryMessage } from "./protocol.ts";
import type { WholeMessage } from "./message-scanner.ts";

export class OwnQuery {
  readonly message: Buffer;
  readonly result: Promise<string[]>;
  private readonly rows: string[] = [];
  private error: string | undefined;
  private settle!: { resolve(rows: string[]): void; reject(error: Error): void };

  constructor(readonly sql: string) {
    this.message = queryMessage(sql);
    this.result = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
  }

  /** Takes one reply message; true once ReadyForQuery ended the reply. First column of each row is kept. */
  accept(message: WholeMessage): boolean {
    if (message.type === BACKEND.dataRow && message.body.readInt16BE(0) > 0) {
      const length = message.body.readInt32BE(2);
      if (length >= 0) this.rows.push(message.body.toString("utf8", 6, 6 + length));
    } else if (message.type === BACKEND.errorResponse) {
      this.error = message.body.toString("utf8").replace(/\0/g, " ").trim();
    } else if (message.type === BACKEND.readyForQuery) {
      if (this.error === undefined) this.settle.resolve(this.rows);
      else this.settle.reject(new Error(`the proxy's own query ${JSON.stringify(this.sql)} failed: ${this.error}`));
      return true;
    }
    return false;
  }

  abandon(): void {
    this.settle.reject(new Error(`connection closed before the proxy's own query ${JSON.stringify(this.sql)} was answered`));
  }
}
