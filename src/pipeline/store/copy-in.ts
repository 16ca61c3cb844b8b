import type pg from "pg";

const COPY_DATA = 0x64; // 'd'
const COPY_DONE = Buffer.from([0x63, 0, 0, 0, 4]); // 'c', length 4

/** What the server reported for one statement of a {@link copyIn} query. */
export interface StatementResult {
  /** The command tag, e.g. "COPY 500" or "UPDATE 1". */
  command: string;
  /** Rows the statement copied, inserted or updated. */
  rows: number;
}

/**
 * Runs one simple-protocol query whose `COPY ... FROM STDIN` statements get
 * their data sent together with the query text, in one write: a batch costs one
 * round trip, not one per statement plus one per COPY waiting for the server to
 * ask for data. `payloads[i]` feeds the i-th COPY of `sql`, in order.
 *
 * The protocol allows this: a COPY that fails, or a statement before it that
 * fails, makes the server drop the remaining CopyData and CopyDone messages
 * (https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-COPY),
 * and the error is returned here. Run it inside the caller's transaction, which
 * the caller rolls back on error as usual.
 */
export function copyIn(client: pg.ClientBase, sql: string, payloads: readonly (readonly Buffer[])[]): Promise<StatementResult[]> {
  return new Promise((resolve, reject) => {
    client.query(new CopyInQuery(sql, payloads, resolve, reject) as unknown as pg.QueryConfig);
  });
}

/** A pg "Submittable": pg calls `submit`, then routes the server's answers to the handle* methods. */
class CopyInQuery {
  private readonly results: StatementResult[] = [];
  private settled = false;

  constructor(
    readonly text: string,
    private readonly payloads: readonly (readonly Buffer[])[],
    private readonly onDone: (results: StatementResult[]) => void,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Replaced by pg with its query_timeout timer when one is configured; calling it clears the timer. */
  callback(_error?: Error): void {}

  submit(connection: { query(text: string): void; stream: NodeJS.WritableStream & { cork(): void; uncork(): void } }): void {
    // Corked, the messages leave in one writev instead of a system call each.
    connection.stream.cork();
    try {
      connection.query(this.text);
      for (const payload of this.payloads) {
        for (const chunk of payload) {
          const header = Buffer.allocUnsafe(5);
          header[0] = COPY_DATA;
          header.writeUInt32BE(chunk.length + 4, 1);
          connection.stream.write(header);
          connection.stream.write(chunk);
        }
        connection.stream.write(COPY_DONE);
      }
    } finally {
      connection.stream.uncork();
    }
  }

  handleCopyInResponse(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}

  handleCommandComplete(message: { text?: string }): void {
    const command = message.text ?? "";
    const rows = /(\d+)$/.exec(command);
    this.results.push({ command, rows: rows ? Number(rows[1]) : 0 });
  }

  handleReadyForQuery(): void {
    if (this.settled) return;
    this.settled = true;
    this.callback();
    this.onDone(this.results);
  }

  handleError(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.callback(error);
    this.onError(error);
  }
}
