/**
 * One client connection and its upstream connection. Client messages are
 * handled strictly in order (a hold or a query the proxy sends itself pauses
 * the client); server messages pass straight through except the few the
 * proxy watches: ReadyForQuery, the answers to a request whose COMMIT
 * acknowledgement is to be lost, and the replies to its own queries. How a
 * fault on one statement of a request acts on the request: see index.ts.
 */
import { connect, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { setTimeout as delay } from "node:timers/promises";
import { AckDrop } from "./ack-drop.ts";
import { ClientQueue } from "./client-queue.ts";
import { CopyCut } from "./copy-cut.ts";
import { CopyStreams } from "./copy-streams.ts";
import { ExtendedBatch } from "./extended-batch.ts";
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
import { ServerExchange } from "./server-exchange.ts";
import type { FiredRule, RuleSet } from "./rule-set.ts";
import { SocketPair } from "./socket-pair.ts";
import { connectStatement, describeQuery } from "./statement.ts";
import { blockOpenAt, sameTransactionAt, TransactionLog } from "./transaction-log.ts";
import { judgeStatements, waitOutHolds, type Request, type Verdict } from "./request-verdict.ts";

const IN_FAILED_TRANSACTION = "25P02";

export class ProxySession {
  private readonly sockets: SocketPair;
  private readonly server: ServerExchange;
  private readonly clientScanner = new MessageScanner((type) => type === FRONTEND.copyData, true);
  private readonly serverScanner = new MessageScanner((type) => !this.server.ownQueryPending && (type === BACKEND.dataRow || type === BACKEND.copyData));
  private readonly batch = new ExtendedBatch();
  private readonly transaction = new TransactionLog();
  private readonly copyStreams = new CopyStreams();
  private readonly queue = new ClientQueue({
    handle: (item) => this.handleClient(item),
    accepting: () => !this.sockets.closed && !this.finishing,
    pauseClient: () => this.sockets.holdClient(),
    resumeClient: () => this.sockets.releaseClient(),
    flush: () => this.sockets.flush(),
    fail: () => this.close(),
  });
  /** Ends holds when the session closes, so no timer outlives it. */
  private readonly closing = new AbortController();
  private started = false;
  /** A FATAL error is on its way to the client, which is ended after it; nothing more is read. */
  private finishing = false;
  /** The proxy answered an error inside a transaction block: the client believes it failed, the server's is still open. */
  private abortedByProxy = false;
  private discardUntilSync = false;
  private ackDrop: AckDrop | undefined;
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
      this.server.abandon();
      onClose(this);
    });
    this.server = new ServerExchange((bytes) => {
      this.sockets.flush();
      server.write(bytes);
    });
    client.on("data", (chunk: Buffer) => this.fromClient(chunk));
    server.on("data", (chunk: Buffer) => this.fromServer(chunk));
  }

  /** Closes both connections (idempotent). */
  close(): void {
    this.sockets.close();
  }

  private fromClient(chunk: Buffer): void {
    let items: ScannedItem[];
    try {
      items = this.clientScanner.push(chunk);
    } catch {
      this.close();
      return;
    }
    this.queue.push(items);
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
      case FRONTEND.query: {
        const statements = describeQuery(readCString(item.body, 0).value);
        return this.request({ statements, raws: [item.raw], syncs: 1, extended: false, parsed: [] });
      }
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
        return this.request({ statements, raws, syncs, extended: true, parsed });
      }
      case FRONTEND.copyDone:
      case FRONTEND.copyFail:
        if (this.copyCut && this.copyStreams.current === this.copyCut.statement) return this.cutCopy(true);
        this.copyStreams.end();
        return this.forward([item.raw], 0);
      default:
        return this.forward([item.raw], 0);
    }
  }

  private startup(message: WholeMessage): Promise<void> | undefined {
    const code = message.body.readInt32BE(0);
    if (code === STARTUP_CODE.sslRequest || code === STARTUP_CODE.gssEncRequest) {
      this.clientScanner.expectUntyped();
      this.sockets.toClient(DECLINE_ENCRYPTION);
      return undefined;
    }
    this.started = true;
    if (code !== STARTUP_CODE.protocol3) return this.forward([message.raw], 0);
    this.recorder.connect();
    const parameters = startupParameters(message.body);
    const fired = this.rules.evaluate(connectStatement(parameters.get("user"), parameters.get("database")), this.id);
    const fault = { kind: "connect" as const, statement: "connect", connection: this.id };
    switch (fired?.rule.type) {
      case undefined:
      case "commitAckLost":
      case "cutMidCopy":
        break;
      case "error": {
        // A server refuses a session with a FATAL ErrorResponse and closes it, whatever severity the rule gives.
        const { rule } = fired as FiredRule<"error">;
        this.finishing = true;
        this.sockets.endClientWith(errorResponseMessage("FATAL", rule.sqlstate, rule.message));
        (fired as FiredRule<"error">).record({ ...fault, sqlstate: rule.sqlstate, severity: "FATAL", atMs: performance.now() });
        return undefined;
      }
      case "reset":
        this.sockets.reset();
        (fired as FiredRule<"reset">).record({ ...fault, atMs: performance.now() });
        return undefined;
      case "hold": {
        const { rule } = fired as FiredRule<"hold">;
        const started = performance.now();
        return delay(rule.delayMs, undefined, { signal: this.closing.signal }).then(() => {
          (fired as FiredRule<"hold">).record({ ...fault, atMs: started, heldMs: performance.now() - started });
          this.server.expect(1);
          return this.forward([message.raw], 0);
        });
      }
    }
    this.server.expect(1);
    return this.forward([message.raw], 0);
  }

  private request(request: Request): Promise<void> | undefined {
    for (const statement of request.statements) this.recorder.statement(statement);
    // The client's COPY data for an earlier request has all been seen: a cut armed for it can no longer fire.
    this.copyCut = undefined;
    this.copyStreams.begin(request.statements);
    if (this.abortedByProxy) {
      for (const statement of request.statements) this.transaction.track(statement);
      return this.whileAborted(request);
    }
    const verdict = judgeStatements(request.statements, this.rules, this.transaction, this.id);
    if (verdict.holds.length === 0) return this.apply(request, verdict.fault);
    return waitOutHolds(verdict.holds, this.id, this.closing.signal).then(() => this.apply(request, verdict.fault));
  }

  private apply(request: Request, fault: Verdict["fault"]): Promise<void> | undefined {
    if (!fault) return this.forward(request.raws, request.syncs);
    const { fired, statement, index } = fault;
    switch (fired.rule.type) {
      case "error":
        this.batch.forgetParsed(request.parsed);
        return this.server.afterIdle(() => this.answerError(fired as FiredRule<"error">, request, index));
      case "reset":
        this.batch.forgetParsed(request.parsed);
        this.sockets.reset();
        (fired as FiredRule<"reset">).record({ kind: statement.kind, statement: statement.normalized, connection: this.id, atMs: performance.now() });
        return undefined;
      case "commitAckLost":
        return this.server.afterIdle(async () => {
          // The proxy can ask only for a transaction open before the request; one the request itself begins has no id yet.
          const knowable = this.server.status === "T" && sameTransactionAt(request.statements, index);
          const xid = knowable ? (await this.server.query("SELECT pg_current_xact_id()::text"))[0] : undefined;
          this.ackDrop = new AckDrop(fired as FiredRule<"commitAckLost">, statement, index, xid, this.id);
          this.forward(request.raws, request.syncs);
        });
      case "cutMidCopy":
        this.copyCut = new CopyCut(fired as FiredRule<"cutMidCopy">, statement, this.id);
        return this.forward(request.raws, request.syncs);
    }
  }

  /** As a server in a failed transaction block: only a request that starts with ROLLBACK (or COMMIT, which then rolls back) gets through. */
  private whileAborted({ statements, raws, syncs, extended }: Request): Promise<void> | undefined {
    const kind = statements[0]!.kind;
    if (kind === "rollback") return this.forward(raws, syncs);
    if (kind === "commit" && !extended && statements.length === 1) return this.forward([queryMessage("ROLLBACK")], syncs);
    if (kind === "commit") {
      return this.server.afterIdle(async () => {
        await this.server.query("ROLLBACK");
        this.abortedByProxy = false;
        this.forward(raws, syncs);
      });
    }
    this.sockets.toClient(
      errorResponseMessage("ERROR", IN_FAILED_TRANSACTION, "current transaction is aborted, commands ignored until end of transaction block"),
    );
    if (syncs > 0 || !extended) this.sockets.toClient(readyForQueryMessage("E"));
    else this.discardUntilSync = true;
    return undefined;
  }

  private async answerError(fired: FiredRule<"error">, { statements, syncs, extended }: Request, index: number): Promise<void> {
    const { rule } = fired;
    const statement = statements[index]!;
    const fault = { kind: statement.kind, statement: statement.normalized, connection: this.id, sqlstate: rule.sqlstate, severity: rule.severity };
    const response = errorResponseMessage(rule.severity, rule.sqlstate, rule.message);
    if (rule.severity === "FATAL") {
      this.finishing = true;
      this.sockets.endClientWith(response);
      fired.record({ ...fault, atMs: performance.now() });
      return;
    }
    // What a server would leave: a failed block where one is open at the statement, none after a failing COMMIT or outside a block.
    const failedBlock = blockOpenAt(statements, index, this.server.status !== "I") && statement.kind !== "commit" && statement.kind !== "rollback";
    if (failedBlock) this.abortedByProxy = true;
    else if (this.server.status !== "I") await this.server.query("ROLLBACK");
    this.sockets.toClient(response);
    if (syncs > 0 || !extended) this.sockets.toClient(readyForQueryMessage(this.clientStatus()));
    else this.discardUntilSync = true;
    this.sockets.flush();
    fired.record({ ...fault, atMs: performance.now() });
  }

  private copyData(piece: StreamPiece): undefined {
    if (!this.copyCut || this.copyStreams.current !== this.copyCut.statement) return this.forward([piece.raw], 0);
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
        if (this.sockets.closed) break;
        if (item.kind === "piece") this.sockets.toClient(item.raw);
        else if (this.server.accept(item) === "client") this.serverMessage(item);
      }
    } finally {
      this.sockets.flush();
    }
  }

  private serverMessage(message: WholeMessage): void {
    const step = this.ackDrop?.step(message);
    if (step === "drop") {
      const drop = this.ackDrop!;
      this.ackDrop = undefined;
      // What the request answered before its COMMIT goes on (it is true, and no ReadyForQuery follows to call the request a success).
      this.sockets.flush();
      this.close();
      drop.record();
      return;
    }
    if (step === "disarm") this.ackDrop = undefined;
    if (message.type === BACKEND.readyForQuery) this.abortedByProxy = false;
    this.sockets.toClient(message.raw);
  }

  private clientStatus(): TransactionStatus {
    return this.abortedByProxy ? "E" : this.server.status;
  }

  private forward(raws: readonly Buffer[], syncs: number): undefined {
    this.server.expect(syncs);
    for (const raw of raws) this.sockets.toServer(raw);
    return undefined;
  }
}

/** The name/value pairs of a protocol-3 StartupMessage body (after its version code). */
function startupParameters(body: Buffer): Map<string, string> {
  const parameters = new Map<string, string>();
  let offset = 4;
  while (offset < body.length && body[offset] !== 0) {
    const name = readCString(body, offset);
    const value = readCString(body, name.next);
    parameters.set(name.value, value.value);
    offset = value.next;
  }
  return parameters;
}
