/**
 * One client connection and its upstream connection. Client messages are
 * handled strictly in order (a hold or a query the proxy sends itself pauses
 * the client); server messages pass straight through except the few the
 * proxy watches: ReadyForQuery, CommandComplete, and the replies to its own queries.
 */
import { connect, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { setTimeout as delay } from "node:timers/promises";
import { ExtendedBatch } from "./extended-batch.ts";
import { WriteRun } from "./write-run.ts";
import { MessageScanner, type ScannedItem, type StreamPiece, type WholeMessage } from "./message-scanner.ts";
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
import { describeStatement, type Statement } from "./statement.ts";

const IN_FAILED_TRANSACTION = "25P02";

interface OwnQuery {
  readonly rows: string[];
  error: string | undefined;
  resolve(rows: string[]): void;
  reject(error: Error): void;
}

interface CopyCut {
  readonly fired: FiredRule<"cutMidCopy">;
  readonly statement: Statement;
  bytes: number;
  messages: number;
}

export class ProxySession {
  private readonly server: Socket;
  private readonly clientScanner = new MessageScanner((type) => type === FRONTEND.copyData, true);
  private readonly serverScanner = new MessageScanner((type) => this.ownQuery === undefined && (type === BACKEND.dataRow || type === BACKEND.copyData));
  private readonly batch = new ExtendedBatch();
  private readonly queue: ScannedItem[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  /** Ends holds when the session closes, so no timer outlives it. */
  private readonly closing = new AbortController();
  private readonly toServerRun = new WriteRun((bytes) => {
    if (!this.server.write(bytes)) this.pauseUntilDrained(this.client, this.server);
  });
  private readonly toClientRun = new WriteRun((bytes) => {
    if (!this.client.write(bytes)) this.pauseUntilDrained(this.server, this.client);
  });
  private started = false;
  private busy = false;
  private closed = false;
  /** A FATAL error is on its way to the client, which is ended after it; nothing more is read. */
  private finishing = false;
  private clientPausedForDrain = false;
  private serverPausedForDrain = false;
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
    private readonly client: Socket,
    upstream: { host: string; port: number },
    private readonly rules: RuleSet,
    private readonly recorder: Recorder,
    private readonly onClose: (session: ProxySession) => void,
  ) {
    client.setNoDelay(true);
    this.server = connect({ host: upstream.host, port: upstream.port, noDelay: true });
    client.on("data", (chunk: Buffer) => this.fromClient(chunk));
    this.server.on("data", (chunk: Buffer) => this.fromServer(chunk));
    for (const socket of [client, this.server]) {
      socket.on("error", () => this.close());
      socket.on("close", () => this.close());
    }
  }

  /** Closes both connections (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    this.client.destroy();
    this.server.destroy();
    this.ownQuery?.reject(new Error("connection closed"));
    this.ownQuery = undefined;
    this.onClose(this);
  }

  private fromClient(chunk: Buffer): void {
    try {
      for (const item of this.clientScanner.push(chunk)) this.queue.push(item);
    } catch {
      this.close();
      return;
    }
    this.drain();
  }

  private drain(): void {
    if (this.busy) return;
    try {
      while (this.queue.length > 0 && !this.closed && !this.finishing) {
        const pending = this.handleClient(this.queue.shift()!);
        if (pending) {
          this.busy = true;
          this.client.pause();
          pending.then(
            () => {
              this.busy = false;
              if (this.closed) return;
              if (!this.clientPausedForDrain) this.client.resume();
              this.drain();
            },
            () => this.close(),
          );
          return;
        }
      }
    } finally {
      this.flushWrites();
    }
  }

  private handleClient(item: ScannedItem): Promise<void> | undefined {
    if (item.kind === "piece") return this.copyData(item);
    if (!this.started) return this.startup(item);
    if (this.discardUntilSync) {
      if (item.type === FRONTEND.sync) {
        this.discardUntilSync = false;
        this.toClient(readyForQueryMessage(this.clientStatus()));
      }
      return undefined;
    }
    switch (item.type) {
      case FRONTEND.query:
        return this.statements([describeStatementOf(item)], [item.raw], 1, false);
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

  private startup(message: ScannedItem): undefined {
    const code = (message as WholeMessage).body.readInt32BE(0);
    if (code === STARTUP_CODE.sslRequest || code === STARTUP_CODE.gssEncRequest) {
      this.clientScanner.expectUntyped();
      this.toClient(DECLINE_ENCRYPTION);
      return undefined;
    }
    this.started = true;
    if (code === STARTUP_CODE.protocol3) {
      this.recorder.connect();
      this.outstanding++;
    }
    this.forward([(message as WholeMessage).raw], 0);
    return undefined;
  }

  private statements(statements: Statement[], raws: Buffer[], syncs: number, extended: boolean, parsed: string[] = []): Promise<void> | undefined {
    for (const statement of statements) this.recorder.statement(statement);
    if (this.abortedByProxy) return this.whileAborted(statements, raws, syncs, extended);
    let fired: FiredRule | undefined;
    let statement = statements[0]!;
    for (const candidate of statements) {
      fired = this.rules.evaluate(candidate, this.id);
      statement = candidate;
      if (fired) break;
    }
    if (!fired) return this.forward(raws, syncs);
    const base = { kind: statement.kind, statement: statement.normalized, connection: this.id };
    switch (fired.rule.type) {
      case "error":
        this.batch.forgetParsed(parsed);
        return this.afterIdle(() => this.answerError(fired as FiredRule<"error">, statement, syncs, extended));
      case "reset":
        this.batch.forgetParsed(parsed);
        this.client.resetAndDestroy();
        this.server.resetAndDestroy();
        (fired as FiredRule<"reset">).record({ ...base, atMs: performance.now() });
        this.close();
        return undefined;
      case "hold": {
        const started = performance.now();
        return delay(fired.rule.delayMs, undefined, { signal: this.closing.signal }).then(() => {
          (fired as FiredRule<"hold">).record({ ...base, atMs: started, heldMs: performance.now() - started });
          if (!this.closed) this.forward(raws, syncs);
        });
      }
      case "commitAckLost":
        return this.afterIdle(async () => {
          const xid = this.status === "T" ? (await this.ownQueryRows("SELECT pg_current_xact_id()::text"))[0] : undefined;
          this.ackDrop = { fired: fired as FiredRule<"commitAckLost">, statement, xid };
          this.forward(raws, syncs);
        });
      case "cutMidCopy":
        this.copyCut = { fired: fired as FiredRule<"cutMidCopy">, statement, bytes: 0, messages: 0 };
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
        await this.ownQueryRows("ROLLBACK");
        this.abortedByProxy = false;
        this.forward(raws, syncs);
      });
    }
    this.toClient(errorResponseMessage("ERROR", IN_FAILED_TRANSACTION, "current transaction is aborted, commands ignored until end of transaction block"));
    if (syncs > 0 || !extended) this.toClient(readyForQueryMessage("E"));
    else this.discardUntilSync = true;
    return undefined;
  }

  private async answerError(fired: FiredRule<"error">, statement: Statement, syncs: number, extended: boolean): Promise<void> {
    const { rule } = fired;
    const base = { kind: statement.kind, statement: statement.normalized, connection: this.id };
    const response = errorResponseMessage(rule.severity, rule.sqlstate, rule.message);
    if (rule.severity === "FATAL") {
      // A server ends the session after a FATAL error: the client reads the error, then EOF.
      this.flushWrites();
      this.finishing = true;
      this.server.removeAllListeners("close");
      this.server.destroy();
      this.client.end(response);
      fired.record({ ...base, sqlstate: rule.sqlstate, severity: rule.severity, atMs: performance.now() });
      return;
    }
    if (statement.kind === "commit" && this.status === "T") {
      // A failed COMMIT ends the transaction on a real server; roll it back so the session matches what the client is told.
      await this.ownQueryRows("ROLLBACK");
    } else if (this.status !== "I") {
      this.abortedByProxy = true;
    }
    this.toClient(response);
    if (syncs > 0 || !extended) this.toClient(readyForQueryMessage(this.clientStatus()));
    else this.discardUntilSync = true;
    fired.record({ ...base, sqlstate: rule.sqlstate, severity: rule.severity, atMs: performance.now() });
  }

  private copyData(piece: StreamPiece): undefined {
    const cut = this.copyCut;
    if (!cut) {
      this.forward([piece.raw], 0);
      return undefined;
    }
    const { afterBytes, afterMessages } = cut.fired.rule;
    if (this.copyThresholdReached(cut)) return this.cutCopy(false);
    const payload = piece.raw.length - piece.headerBytes;
    const allowed = afterBytes === undefined ? payload : Math.min(payload, afterBytes - cut.bytes);
    this.forward([piece.raw.subarray(0, piece.headerBytes + allowed)], 0);
    cut.bytes += allowed;
    if (allowed === payload && piece.last) cut.messages++;
    if (this.copyThresholdReached(cut) || (afterMessages === undefined && allowed < payload)) return this.cutCopy(false);
    return undefined;
  }

  private copyThresholdReached(cut: CopyCut): boolean {
    const { afterBytes, afterMessages } = cut.fired.rule;
    return (afterBytes !== undefined && cut.bytes >= afterBytes) || (afterMessages !== undefined && cut.messages >= afterMessages);
  }

  private cutCopy(atCopyEnd: boolean): undefined {
    const cut = this.copyCut!;
    this.copyCut = undefined;
    this.flushWrites();
    // Let the server read what was forwarded, then see EOF mid-COPY; the client loses its connection at once.
    this.server.destroySoon();
    this.client.destroy();
    cut.fired.record({
      kind: cut.statement.kind,
      statement: cut.statement.normalized,
      connection: this.id,
      table: cut.statement.copyTable,
      bytesPassed: cut.bytes,
      messagesPassed: cut.messages,
      atCopyEnd,
      atMs: performance.now(),
    });
    this.close();
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
        if (item.kind === "piece") this.toClient(item.raw);
        else if (this.ownQuery) this.ownQueryReply(this.ownQuery, item);
        else this.serverMessage(item);
      }
    } finally {
      this.flushWrites();
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
    this.toClient(message.raw);
  }

  private ownQueryReply(query: OwnQuery, message: WholeMessage): void {
    if (message.type === BACKEND.dataRow && message.body.readInt16BE(0) > 0) {
      const length = message.body.readInt32BE(2);
      if (length >= 0) query.rows.push(message.body.toString("utf8", 6, 6 + length));
    } else if (message.type === BACKEND.errorResponse) {
      query.error = message.body.toString("utf8").replace(/\0/g, " ");
    } else if (message.type === BACKEND.readyForQuery) {
      this.ownQuery = undefined;
      this.readyForQuery(message);
      if (query.error === undefined) query.resolve(query.rows);
      else query.reject(new Error(`the proxy's own query failed: ${query.error}`));
    }
  }

  private readyForQuery(message: WholeMessage): void {
    this.status = String.fromCharCode(message.body[0]!) as TransactionStatus;
    this.outstanding = Math.max(0, this.outstanding - 1);
    if (this.outstanding === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** Sends a query of the proxy's own on the server connection and consumes its reply; first column of each row. */
  private ownQueryRows(sql: string): Promise<string[]> {
    return new Promise((resolve, reject) => {
      this.ownQuery = { rows: [], error: undefined, resolve, reject };
      this.outstanding++;
      this.flushWrites();
      this.server.write(queryMessage(sql));
    });
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
    for (const raw of raws) this.toServerRun.push(raw);
    return undefined;
  }

  private toClient(bytes: Buffer): void {
    this.toClientRun.push(bytes);
  }

  /** Hands what was forwarded to the sockets; before the proxy writes on its own, waits, or closes. */
  private flushWrites(): void {
    this.toServerRun.flush();
    this.toClientRun.flush();
  }

  private pauseUntilDrained(reader: Socket, writer: Socket): void {
    const fromClient = reader === this.client;
    if (fromClient ? this.clientPausedForDrain : this.serverPausedForDrain) return;
    if (fromClient) this.clientPausedForDrain = true;
    else this.serverPausedForDrain = true;
    reader.pause();
    writer.once("drain", () => {
      if (fromClient) this.clientPausedForDrain = false;
      else this.serverPausedForDrain = false;
      if (!fromClient || !this.busy) reader.resume();
    });
  }
}

function describeStatementOf(message: WholeMessage): Statement {
  return describeStatement(readCString(message.body, 0).value, "simple");
}
