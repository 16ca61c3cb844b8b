/**
 * An HTTP reverse proxy between the pipeline and its S3 server that fails
 * requests the way S3 itself does: throttling and internal errors answered
 * in S3's XML, added latency, requests held until the client gives up,
 * connections reset, bodies cut short or with a flipped byte; each on every matching request,
 * a share of them or only the Nth. With no rule in effect it forwards every
 * request unchanged, bodies streamed.
 */
import { Agent, createServer, request as httpRequest, type ClientRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import {
  type S3CorruptFault,
  type S3ErrorFault,
  type S3FaultSpec,
  type S3HangFault,
  type S3LatencyFault,
  type S3ResetFault,
  type S3TruncateFault,
  describeS3Request,
  type S3Request,
} from "../../core/index.ts";
import { BodyFaultStream, type BodyFaultPlan } from "./body-fault-stream.ts";
import { FaultRuleSet, type AppliedFault, type FiringOf, type S3FaultHandle } from "./fault-rule-set.ts";
import { contentLength, forwardedRequestHeaders, relayedResponseHeaders, withoutHeader } from "./http-forwarding.ts";
import { sendS3Error } from "./s3-error-response.ts";
import { S3RequestRecorder, type S3ProxyRecording } from "./request-recording.ts";

export interface S3FaultProxyOptions {
  /** The S3 server to forward to, e.g. "http://127.0.0.1:4568". */
  upstream: string;
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** Port to listen on; default 0, a free one. */
  port?: number;
  /** Source of probabilities and jitter, uniform in [0, 1); default Math.random. */
  random?: () => number;
}

interface BodyFaults {
  truncate: FiringOf<"truncate"> | undefined;
  corrupt: FiringOf<"corrupt"> | undefined;
  /** Faults applied to this request so far; the body faults planned are added to it. */
  applied: AppliedFault[];
}

export class S3FaultProxy implements AsyncDisposable {
  /** Base URL for path-style S3 clients, e.g. "http://127.0.0.1:40123". */
  readonly endpoint: string;
  private readonly rules: FaultRuleSet;
  private readonly agent = new Agent({ keepAlive: true });
  private readonly lifetime = new AbortController();
  /** Responses this proxy closed itself (a failed upstream, a stop), which no client abandoned. */
  private readonly dropped = new WeakSet<ServerResponse>();
  private readonly recorder = new S3RequestRecorder();
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    private readonly upstreamUrl: URL,
    random: () => number,
  ) {
    const { address, port } = server.address() as AddressInfo;
    this.endpoint = `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
    this.rules = new FaultRuleSet(`s3 proxy ${this.endpoint} → ${upstreamUrl.host}`, random);
    server.on("request", (request: IncomingMessage, response: ServerResponse) => void this.handle(request, response));
  }

  static async start(options: S3FaultProxyOptions): Promise<S3FaultProxy> {
    const upstream = URL.canParse(options.upstream) ? new URL(options.upstream) : undefined;
    if (upstream?.protocol !== "http:") throw new TypeError(`S3FaultProxy: upstream must be an http:// URL, got ${JSON.stringify(options.upstream)}`);
    const server = createServer({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    return new S3FaultProxy(server, upstream, options.random ?? Math.random);
  }

  get upstream(): string {
    return this.upstreamUrl.origin;
  }

  /** Answers matching requests with an S3 error (503 SlowDown, 500 InternalError, …) instead of forwarding them. */
  injectErrors(fault: S3ErrorFault): S3FaultHandle {
    return this.inject({ type: "error", ...fault });
  }

  /** Holds matching requests back by `latencyMs` (plus up to `jitterMs`) before forwarding them. */
  injectLatency(fault: S3LatencyFault): S3FaultHandle {
    return this.inject({ type: "latency", ...fault });
  }

  /** Holds matching requests unanswered until the client gives up, or the rule ends (then they are forwarded). */
  hangRequests(fault: S3HangFault = {}): S3FaultHandle {
    return this.inject({ type: "hang", ...fault });
  }

  /** Resets the client's connection (TCP RST) on matching requests instead of answering them: the client sees ECONNRESET. */
  resetRequests(fault: S3ResetFault = {}): S3FaultHandle {
    return this.inject({ type: "reset", ...fault });
  }

  /** Cuts matching 2xx response bodies short: under their original Content-Length, closing the connection, or (framing "chunked") cleanly. */
  truncateBodies(fault: S3TruncateFault): S3FaultHandle {
    return this.inject({ type: "truncate", ...fault });
  }

  /** Flips one byte in the middle of matching GetObject bodies (e.g. of one `key`), keeping their length. */
  corruptObject(fault: S3CorruptFault): S3FaultHandle {
    return this.inject({ type: "corrupt", ...fault });
  }

  /**
   * Puts any rule in effect at once, after validating it (a bad field throws
   * FaultParameterError and injects nothing). Observations (live):
   * `requestsMatched`, `requestsFaulted`, `requestsAbandoned`, the
   * `faulted` requests with their occurrence numbers, and `endedBy` once removed.
   */
  inject(spec: S3FaultSpec): S3FaultHandle {
    if (this.stopping) throw new Error(`S3FaultProxy ${this.endpoint} is stopped`);
    return this.rules.add(spec);
  }

  /** Every request received so far (faulted or not), counted by operation. */
  recording(): S3ProxyRecording {
    return this.recorder.snapshot();
  }

  /** Removes every rule, closes every connection (client and upstream) and stops listening. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      this.lifetime.abort();
      this.server.closeAllConnections();
      this.agent.destroy();
      await this.rules.clear();
      await closed;
    })();
    return this.stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const clientGone = new AbortController();
    const applied: AppliedFault[] = [];
    let upstream: ClientRequest | undefined;
    // A client that gave up (e.g. its timeout ran out during injected latency) must not leave
    // an upstream request or a pending delay behind; the rules that held it record the abandonment.
    response.once("close", () => {
      clientGone.abort();
      if (response.writableFinished) return;
      upstream?.destroy();
      if (!this.dropped.has(response) && !this.lifetime.signal.aborted) for (const fault of applied) fault.abandoned();
    });
    try {
      const s3 = describeS3Request(request.method ?? "GET", request.url ?? "/", request.headers);
      this.recorder.request(s3);
      await this.hold(s3, AbortSignal.any([this.lifetime.signal, clientGone.signal]), applied);
      if (clientGone.signal.aborted) return;
      const reset = this.rules.first("reset", s3);
      if (reset) {
        applied.push(reset.faulted());
        return this.reset(request, response);
      }
      const error = this.rules.first("error", s3);
      if (error) {
        applied.push(error.faulted());
        return sendS3Error(request, response, error.fault);
      }
      upstream = this.forward(request, response, { truncate: this.rules.first("truncate", s3), corrupt: this.rules.first("corrupt", s3), applied });
    } catch {
      this.drop(response);
    }
  }

  /**
   * Waits for every firing latency rule, their delays added (never less than
   * asked, though timers may fire a millisecond early), then while any firing
   * hang rule is in effect; both end early when the client goes away.
   */
  private async hold(s3: S3Request, signal: AbortSignal, applied: AppliedFault[]): Promise<void> {
    let totalMs = 0;
    for (const latency of this.rules.firing("latency", s3)) {
      applied.push(latency.faulted());
      totalMs += latency.fault.latencyMs + (latency.fault.jitterMs > 0 ? this.rules.nextRandom() * latency.fault.jitterMs : 0);
    }
    const hangs: Promise<void>[] = [];
    for (const hang of this.rules.firing("hang", s3)) {
      applied.push(hang.faulted());
      hangs.push(hang.rule.ended);
    }
    const deadline = performance.now() + totalMs;
    for (let left = totalMs; left > 0; left = deadline - performance.now()) await sleep(Math.ceil(left), undefined, { signal });
    if (hangs.length > 0 && !signal.aborted) await untilAborted(signal, Promise.all(hangs));
  }

  /**
   * Resets the client's connection with a TCP RST (not a FIN, so the client
   * reads ECONNRESET rather than an orderly close); nothing was forwarded.
   */
  private reset(request: IncomingMessage, response: ServerResponse): void {
    this.dropped.add(response);
    request.socket.resetAndDestroy();
  }

  /** Closes a response on the proxy's own account: no client abandoned it. */
  private drop(response: ServerResponse): void {
    this.dropped.add(response);
    response.destroy();
  }

  private forward(request: IncomingMessage, response: ServerResponse, faults: BodyFaults): ClientRequest {
    const upstream = httpRequest({
      hostname: this.upstreamUrl.hostname.replace(/^\[|\]$/g, ""),
      port: this.upstreamUrl.port || 80,
      method: request.method,
      path: request.url,
      headers: forwardedRequestHeaders(request.headers),
      agent: this.agent,
    });
    // A transparent proxy adds no failure of its own: an unreachable upstream drops the client's connection too.
    upstream.on("error", () => {
      if (!response.writableEnded) this.drop(response);
    });
    upstream.on("response", (reply) => this.relay(request, reply, response, faults));
    request.pipe(upstream);
    return upstream;
  }

  private relay(request: IncomingMessage, reply: IncomingMessage, response: ServerResponse, faults: BodyFaults): void {
    const status = reply.statusCode ?? 502;
    const plan = request.method === "HEAD" ? {} : planBody(status, contentLength(reply.headers), faults);
    const truncating = plan.keepBytes !== undefined;
    const framing = faults.truncate?.fault.framing;
    const reframed = truncating && framing === "chunked";
    // Under a kept Content-Length, closing is what makes the body short: on a kept-alive connection the client would wait for the missing bytes.
    if (truncating && framing === "content-length") response.shouldKeepAlive = false;
    const headers = relayedResponseHeaders(reply.rawHeaders);
    response.writeHead(status, reply.statusMessage, reframed ? withoutHeader(headers, "content-length") : headers);
    reply.on("error", () => this.drop(response));
    if (plan.keepBytes === undefined && plan.flipAt === undefined) reply.pipe(response);
    else {
      const body = new BodyFaultStream(plan);
      response.once("close", () => body.destroy());
      reply.pipe(body).pipe(response);
    }
  }
}

/** Decides, once the body's length is known, which body faults apply, and counts them. Only non-empty 2xx bodies of known length are touched. */
function planBody(status: number, length: number | undefined, faults: BodyFaults): BodyFaultPlan {
  const plan: BodyFaultPlan = {};
  if (status < 200 || status > 299 || length === undefined || length === 0) return plan;
  if (faults.corrupt) {
    faults.applied.push(faults.corrupt.faulted());
    plan.flipAt = Math.floor(length / 2);
  }
  const truncate = faults.truncate?.fault;
  if (truncate) {
    const keep = truncate.keepBytes ?? Math.floor(length * (truncate.keepFraction ?? 0));
    if (keep < length) {
      faults.applied.push(faults.truncate!.faulted());
      plan.keepBytes = keep;
      if (truncate.framing === "stall") plan.stall = true;
    }
  }
  return plan;
}

/** Resolves when `done` does, or rejects with the signal's reason once it aborts; leaves no listener behind. */
function untilAborted(signal: AbortSignal, done: Promise<unknown>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    done.then(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, reject);
  });
}
