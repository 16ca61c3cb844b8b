/**
 * Which COPY statement the client's CopyData belongs to. A request (a simple
 * Query, an extended batch) may run several COPY ... FROM STDIN; the client
 * sends the data of each, ended by CopyDone or CopyFail, in statement order
 * and before its next request, whether it waits for each CopyInResponse or
 * sends everything at once. So the count of ends since the request says
 * which COPY the data is for, without waiting for the server.
 */
import type { Statement } from "./statement.ts";

export class CopyStreams {
  private copies: readonly Statement[] = [];
  private ended = 0;

  /** A new request from the client: the COPYs among its statements get the data that follows. */
  begin(statements: readonly Statement[]): void {
    this.copies = statements.filter((statement) => statement.kind === "copy");
    this.ended = 0;
  }

  /** The COPY the next CopyData belongs to; undefined once the request's COPYs have all ended. */
  get current(): Statement | undefined {
    return this.copies[this.ended];
  }

  /** At CopyDone or CopyFail. */
  end(): void {
    this.ended++;
  }
}
