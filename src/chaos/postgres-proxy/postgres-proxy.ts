/**
 * A protocol-aware TCP proxy between Postgres clients and one server: it
 * sees each statement (simple Query, Parse/Bind/Execute, COPY FROM STDIN,
 * transaction control) and applies rules that answer errors, hold, reset,
 * cut a COPY, or drop a COMMIT's acknowledgement. Without rules, bytes pass
 * through unchanged.
 */
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { ProxySession } from "./proxy-session.ts";
import { Recorder, type ProxyRecording } from "./recording.ts";
import { RuleSet, type RuleHandle } from "./rule-set.ts";
import { resolveRuleSpec, type PostgresRuleSpec, type ResolvedRule } from "./rule-spec.ts";

export interface PostgresProxyOptions {
  /** The Postgres server to forward to. */
  readonly upstream: { readonly host: string; readonly port: number };
  /** Address to listen on; default `127.0.0.1`. The port is always a free one. */
  readonly listenHost?: string;
}

export class PostgresProxy implements AsyncDisposable {
  private readonly rules = new RuleSet();
  private readonly recorder = new Recorder();
  private readonly sessions = new Set<ProxySession>();
  private nextSession = 1;
  private stopped: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    readonly host: string,
    readonly port: number,
    readonly upstream: { readonly host: string; readonly port: number },
  ) {}

  /** Listens on a free port and forwards every connection to `upstream`. */
  static async start(options: PostgresProxyOptions): Promise<PostgresProxy> {
    const { upstream } = options;
    if (typeof upstream?.host !== "string" || upstream.host === "") throw new TypeError("PostgresProxy: upstream.host must be a non-empty string");
    if (!Number.isInteger(upstream.port) || upstream.port < 1 || upstream.port > 65_535) {
      throw new TypeError(`PostgresProxy: upstream.port must be an integer in 1..65535; got ${String(upstream.port)}`);
    }
    let proxy: PostgresProxy | undefined;
    const server = createServer({ noDelay: true }, (socket) => {
      if (proxy) proxy.accept(socket);
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: options.listenHost ?? "127.0.0.1", port: 0 }, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    proxy = new PostgresProxy(server, address.address, address.port, { host: upstream.host, port: upstream.port });
    return proxy;
  }

  /** Validates and installs a rule; it applies to statements from now on, on every connection. */
  addRule<S extends PostgresRuleSpec>(spec: S): RuleHandle<S["type"]> {
    return this.rules.add(resolveRuleSpec(spec) as Extract<ResolvedRule, { type: S["type"] }>);
  }

  /** Everything seen so far: connects, transaction control, COPYs per table, distinct statements. */
  recording(): ProxyRecording {
    return this.recorder.snapshot();
  }

  /** Connections open right now. */
  get openConnections(): number {
    return this.sessions.size;
  }

  /** Stops listening and closes every connection (idempotent). */
  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const session of [...this.sessions]) session.close();
    });
    return this.stopped;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  private accept(socket: Socket): void {
    if (this.stopped) {
      socket.destroy();
      return;
    }
    const session = new ProxySession(this.nextSession++, socket, this.upstream, this.rules, this.recorder, (closed) => this.sessions.delete(closed));
    this.sessions.add(session);
  }
}
