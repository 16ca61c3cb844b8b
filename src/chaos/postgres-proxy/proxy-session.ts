/**
 * One client connection and its upstream connection. Client messages are
 * handled strictly in order (a hold or a query the proxy sends itself pauses
 * the client); server messages pass straight through except the few the
 * proxy watches: ReadyForQuery, CommandComplete, and the replies to its own queries.
 */
import { connect, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { setTimeout as delay } from "node:timers/promises";
import { CopyCut } from "./copy-cut.ts";
import { ExtendedBatch } from "./extended-batch.ts";
import { MessageScanner, type ScannedItem, type StreamPiece, type WholeMessage } from "./message-scanner.ts";
import { OwnQuery } from "./own-query.ts";
import {
  BACKEND,
  DECLINE_ENCRYPTION,
  errorResponseMessage,
  FRONTEND,
  queryMessage,
  readCString,
  readyForQueryMessage,
  STARTUP_CODE,
  type TransactionStatus,
} from "./protocol.ts";
import type { Recorder } from "./recording.ts";
import type { FiredRule, RuleSet } from "./rule-set.ts";
import { SocketPair } from "./socket-pair.ts";
import { describeStatement, type Statement } from "./statement.ts";
import { TransactionLog } from "./transaction-log.ts";

const IN_FAILED_TRANSACTION = "25P02";

export class ProxySession {
  private readonly sockets: SocketPair;
  private readonly clientScanner = new MessageScanner((type) => type === FRONTEND.copyData, true);
  private readonly serverScanner = new MessageScanner((type) => this.ownQuery === undefined && (type === BACKEND.dataRow || type === BACKEND.copyData));
  private readonly batch = new ExtendedBatch();
  private readonly transaction = new TransactionLog();
  /** Client messages not handled yet: `queue[head..]`. */
  private queue: ScannedItem[] = [];
  private head = 0;
  private readonly idleWaiters: (() => void)[] = [];
  /** Ends holds when the session closes, so no timer outlives it. */
  private readonly closing = new AbortController();
  private started = false;
  private busy = false;
  /** A FATAL error is on its way to the client, which is ended after it; nothing more is read. */
  private finishing = false;
  /** Last transaction status the server reported. */
  private status: TransactionStatus = "I";
  /** Queries and Syncs forwarded (and the startup) whose ReadyForQuery has not come back yet. */
  private outstanding = 0;
  /** The proxy answered an error inside a transaction block: the client believes it failed, the server's is still open. */
  private abortedByProxy = false;
  private discardUntilSync = false;
  private ownQuery: OwnQuery | undefined;
  private ackDrop: { fired: FiredRule<"commitAckLost">; statement: Statement; xid: string | undefined } | undefined;
  private copyCut: CopyCut | undefined;

  constructor(
    readonly id: number,
    client: Socket,
    upstream: { host: string; port: number },
    private readonly rules: RuleSet,
    private readonly recorder: Recorder,
    onClose: (session: ProxySession) => void,
  ) {
    client.setNoDelay(true);
    const server = connect({ host: upstream.host, port: upstream.port, noDelay: true });
    this.sockets = new SocketPair(client, server, () => {
      this.closing.abort();
      this.ownQuery?.abandon();
      this.ownQuery = undefined;
      onClose(this);
    });
    client.on("data", (chunk: Buffer) => this.fromClient(chunk));
    server.on("data", (chunk: Buffer) => this.fromServer(chunk));
  }

  /** Closes both connections (idempotent). */
  close(): void {
    this.sockets.close();
  }

  private get closed(): boolean {
    return this.sockets.closed;
  }

  private fromClient(chunk: Buffer): void {
    try {
      const items = this.clientScanner.push(chunk);
      if (this.head === this.queue.length) {
        this.queue = items;
        this.head = 0;
      } else {
        for (const item of items) this.queue.push(item);
      }
    } catch {
      this.close();
      return;
    }
    this.drain();
  }

  private drain(): void {
    if (this.busy) return;
    try {
      while (this.head < this.queue.length && !this.closed && !this.finishing) {
        const pending = this.handleClient(this.queue[this.head++]!);
        if (pending) {
          this.busy = true;
          this.sockets.holdClient();
          pending.then(
            () => {
              this.busy = false;
              if (this.closed) return;
              this.sockets.releaseClient();
              this.drain();
            },
            () => this.close(),
          );
          return;
        }
      }
    } finally {
      this.sockets.flush();
    }
  }

  private handleClient(item: ScannedItem): Promise<void> | undefined {
    if (item.kind === "piece") return this.copyData(item);
    if (!this.started) return this.startup(item);
    if (this.discardUntilSync) {
      if (item.type === FRONTEND.sync) {
        this.discardUntilSync = false;
        this.sockets.toClient(readyForQueryMessage(this.clientStatus()));
      }
      return undefined;
    }
    switch (item.type) {
      case FRONTEND.query:
        return this.statements([describeStatement(readCString(item.body, 0).value, "simple")], [item.raw], 1, false);
      case FRONTEND.parse:
      case FRONTEND.bind:
      case FRONTEND.describe:
      case FRONTEND.execute:
      case FRONTEND.close:
        this.batch.add(item);
        return undefined;
      case FRONTEND.sync:
      case FRONTEND.flush: {
        this.batch.add(item);
        const parsed = [...this.batch.parsedInBatch];
        const { raws, statements } = this.batch.close();
        const syncs = item.type === FRONTEND.sync ? 1 : 0;
        if (statements.length === 0) return this.forward(raws, syncs);
        return this.statements(statements, raws, syncs, true, parsed);
      }
      case FRONTEND.copyDone:
      case FRONTEND.copyFail:
        if (this.copyCut) return this.cutCopy(true);
        return this.forward([item.raw], 0);
      default:
        return this.forward([item.raw], 0);
    }
  }

  private startup(message: WholeMessage): undefined {
    const code = message.body.readInt32BE(0);
    if (code === STARTUP_CODE.sslRequest || code === STARTUP_CODE.gssEncRequest) {
      this.clientScanner.expectUntyped();
      this.sockets.toClient(DECLINE_ENCRYPTION);
      return undefined;
    }
    this.started = true;
    if (code === STARTUP_CODE.protocol3) {
      this.recorder.connect();
      this.outstanding++;
    }
    return this.forward([message.raw], 0);
  }

  private statements(statements: Statement[], raws: Buffer[], syncs: number, extended: boolean, parsed: string[] = []): Promise<void> | undefined {
    for (const statement of statements) this.recorder.statement(statement);
    if (this.abortedByProxy) {
      for (const statement of statements) this.transaction.track(statement);
      return this.whileAborted(statements, raws, syncs, extended);
    }
    let fired: FiredRule | undefined;
    let statement = statements[0]!;
    for (const candidate of statements) {
      const block = this.transaction.track(candidate);
      if (fired) continue;
      fired = this.rules.evaluate(candidate, this.id, block);
      statement = candidate;
    }
    if (!fired) return this.forward(raws, syncs);
    const base = { kind: statement.kind, statement: statement.normalized, connection: this.id };
    switch (fired.rule.type) {
      case "error":
        this.batch.forgetParsed(parsed);
        return this.afterIdle(() => this.answerError(fired as FiredRule<"error">, statement, syncs, extended));
      case "reset":
        this.batch.forgetParsed(parsed);
        this.sockets.reset();
        (fired as FiredRule<"reset">).record({ ...base, atMs: performance.now() });
        return undefined;
      case "hold": {
        const started = performance.now();
        return delay(fired.rule.delayMs, undefined, { signal: this.closing.signal }).then(() => {
          (fired as FiredRule<"hold">).record({ ...base, atMs: started, heldMs: performance.now() - started });
          this.forward(raws, syncs);
        });
      }
      case "commitAckLost":
        return this.afterIdle(async () => {
          const xid = this.status === "T" ? (await this.sendOwnQuery("SELECT pg_current_xact_id()::text"))[0] : undefined;
          this.ackDrop = { fired: fired as FiredRule<"commitAckLost">, statement, xid };
          this.forward(raws, syncs);
        });
      case "cutMidCopy":
        this.copyCut = new CopyCut(fired as FiredRule<"cutMidCopy">, statement, this.id);
        return this.forward(raws, syncs);
    }
  }

  /** As a server in a failed transaction block: only ROLLBACK (or COMMIT, which then rolls back) gets through. */
  private whileAborted(statements: Statement[], raws: Buffer[], syncs: number, extended: boolean): Promise<void> | undefined {
    const kind = statements[0]!.kind;
    if (kind === "rollback") return this.forward(raws, syncs);
    if (kind === "commit" && !extended) return this.forward([queryMessage("ROLLBACK")], syncs);
    if (kind === "commit") {
      return this.afterIdle(async () => {
        await this.sendOwnQuery("ROLLBACK");
        this.abortedByProxy = false;
        this.forward(raws, syncs);
      });
    }
    this.sockets.toClient(errorResponseMessage("ERROR", IN_FAILED_TRANSACTION, "current transaction is aborted, commands ignored until end of transaction block"));
    if (syncs > 0 || !extended) this.sockets.toClient(readyForQueryMessage("E"));
    else this.discardUntilSync = true;
    return undefined;
  }

  private async answerError(fired: FiredRule<"error">, statement: Statement, syncs: number, extended: boolean): Promise<void> {
    const { rule } = fired;
    const fault = { kind: statement.kind, statement: statement.normalized, connection: this.id, sqlstate: rule.sqlstate, severity: rule.severity };
    const response = errorResponseMessage(rule.severity, rule.sqlstate, rule.message);
    if (rule.severity === "FATAL") {
      this.finishing = true;
      this.sockets.endClientWith(response);
      fired.record({ ...fault, atMs: performance.now() });
      return;
    }
    if (statement.kind === "commit" && this.status === "T") {
      // A failed COMMIT ends the transaction on a real server; roll it back so the session matches what the client is told.
      await this.sendOwnQuery("ROLLBACK");
    } else if (this.status !== "I") {
      this.abortedByProxy = true;
    }
    this.sockets.toClient(response);
    if (syncs > 0 || !extended) this.sockets.toClient(readyForQueryMessage(this.clientStatus()));
    else this.discardUntilSync = true;
    this.sockets.flush();
    fired.record({ ...fault, atMs: performance.now() });
  }

  private copyData(piece: StreamPiece): undefined {
    if (!this.copyCut) return this.forward([piece.raw], 0);
    const { pass, cut } = this.copyCut.admit(piece);
    if (pass) this.forward([pass], 0);
    return cut ? this.cutCopy(false) : undefined;
  }

  private cutCopy(atCopyEnd: boolean): undefined {
    const cut = this.copyCut!;
    this.copyCut = undefined;
    this.sockets.cutAfterFlush();
    cut.record(atCopyEnd);
    return undefined;
  }

  private fromServer(chunk: Buffer): void {
    let items: ScannedItem[];
    try {
      items = this.serverScanner.push(chunk);
    } catch {
      this.close();
      return;
    }
    try {
      for (const item of items) {
        if (this.closed) break;
        if (item.kind === "piece") this.sockets.toClient(item.raw);
        else if (this.ownQuery) this.ownQueryReply(this.ownQuery, item);
        else this.serverMessage(item);
      }
    } finally {
      this.sockets.flush();
    }
  }

  private serverMessage(message: WholeMessage): void {
    if (message.type === BACKEND.commandComplete && this.ackDrop && /^(COMMIT|ROLLBACK)\b/.test(readCString(message.body, 0).value)) {
      const { fired, statement, xid } = this.ackDrop;
      this.ackDrop = undefined;
      this.close();
      fired.record({ kind: statement.kind, statement: statement.normalized, connection: this.id, xid, atMs: performance.now() });
      return;
    }
    if (message.type === BACKEND.readyForQuery) {
      this.readyForQuery(message);
      this.abortedByProxy = false;
      this.copyCut = undefined;
    }
    this.sockets.toClient(message.raw);
  }

  private ownQueryReply(query: OwnQuery, message: WholeMessage): void {
    if (message.type === BACKEND.readyForQuery) {
      this.ownQuery = undefined;
      this.readyForQuery(message);
    }
    query.accept(message);
  }

  private readyForQuery(message: WholeMessage): void {
    this.status = String.fromCharCode(message.body[0]!) as TransactionStatus;
    this.outstanding = Math.max(0, this.outstanding - 1);
    if (this.outstanding === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** Sends a query of the proxy's own on the server connection and consumes its reply; first column of each row. */
  private sendOwnQuery(sql: string): Promise<string[]> {
    const query = new OwnQuery(sql);
    this.ownQuery = query;
    this.outstanding++;
    this.sockets.flush();
    this.sockets.server.write(query.message);
    return query.result;
  }

  /** Runs `action` once every earlier request has been answered, so replies cannot interleave. */
  private afterIdle(action: () => Promise<void>): Promise<void> {
    if (this.outstanding === 0) return action();
    return new Promise<void>((resolve) => this.idleWaiters.push(resolve)).then(action);
  }

  private clientStatus(): TransactionStatus {
    return this.abortedByProxy ? "E" : this.status;
  }

  private forward(raws: readonly Buffer[], syncs: number): undefined {
    this.outstanding += syncs;
    for (const raw of raws) this.sockets.toServer(raw);
    return undefined;
  }
}
