/**
 * A session's view of its server connection: the transaction status the
 * server last reported, how many forwarded requests still await their
 * ReadyForQuery, and the queries the proxy sends itself, whose replies it
 * consumes instead of forwarding.
 */
import type { WholeMessage } from "./message-scanner.ts";
import { OwnQuery } from "./own-query.ts";
import { BACKEND, type TransactionStatus } from "./protocol.ts";

export class ServerExchange {
  private statusReported: TransactionStatus = "I";
  /** Queries and Syncs forwarded (and the startup) whose ReadyForQuery has not come back yet. */
  private outstanding = 0;
  private readonly idleWaiters: (() => void)[] = [];
  private ownQuery: OwnQuery | undefined;

  /** @param send writes on the server connection, after what the session queued for it. */
  constructor(private readonly send: (bytes: Buffer) => void) {}

  /** Last transaction status the server reported. */
  get status(): TransactionStatus {
    return this.statusReported;
  }

  /** Whether a reply to the proxy's own query is being read: its messages are wanted whole. */
  get ownQueryPending(): boolean {
    return this.ownQuery !== undefined;
  }

  /** `count` forwarded requests will each be answered with a ReadyForQuery. */
  expect(count: number): void {
    this.outstanding += count;
  }

  /** Takes note of a server message; "own" when it answers the proxy's own query and must not reach the client. */
  accept(message: WholeMessage): "own" | "client" {
    const query = this.ownQuery;
    if (message.type === BACKEND.readyForQuery) {
      this.ownQuery = undefined;
      this.statusReported = String.fromCharCode(message.body[0]!) as TransactionStatus;
      this.outstanding = Math.max(0, this.outstanding - 1);
      if (this.outstanding === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
    if (!query) return "client";
    query.accept(message);
    return "own";
  }

  /** Sends a query of the proxy's own and consumes its reply; the first column of each row. Call only when idle. */
  query(sql: string): Promise<string[]> {
    const query = new OwnQuery(sql);
    this.ownQuery = query;
    this.outstanding++;
    this.send(query.message);
    return query.result;
  }

  /** Runs `action` once every earlier request has been answered, so replies cannot interleave. */
  afterIdle(action: () => Promise<void>): Promise<void> {
    if (this.outstanding === 0) return action();
    return new Promise<void>((resolve) => this.idleWaiters.push(resolve)).then(action);
  }

  /** The connection closed: a pending own query fails. */
  abandon(): void {
    this.ownQuery?.abandon();
    this.ownQuery = undefined;
  }
}
