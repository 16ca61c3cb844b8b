/**
 * Local TCP servers and clients for tests and benchmarks of the proxy, all
 * on 127.0.0.1 with free ports. One kit owns everything it opened, so a
 * single `close()` in `afterEach` leaves no socket behind, even on failure.
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";

/** What reading a socket until it closed observed. */
export interface ReadResult {
  data: Buffer;
  /** Number of `data` events: how the bytes were cut on arrival. */
  chunks: number;
  /** Set when the stream ended with an error (e.g. ECONNRESET) instead of a FIN. */
  error: NodeJS.ErrnoException | undefined;
  /** `performance.now()` when the stream ended. */
  endedAt: number;
}

export class TcpTestKit {
  private readonly servers = new Set<Server>();
  private readonly sockets = new Set<Socket>();

  /** A server that sends back what it receives and ends when the client ends. */
  echoServer(): Promise<string> {
    return this.server((socket) => socket.pipe(socket));
  }

  /** A server that sends `payload` to each client, then ends. */
  blobServer(payload: Buffer): Promise<string> {
    return this.server((socket) => socket.end(payload));
  }

  /** A server that reads each connection to its end and reports it. */
  sinkServer(onDone: (result: ReadResult) => void): Promise<string> {
    return this.server((socket) => void readToEnd(socket, 60_000).then(onDone, () => {}));
  }

  /** A server running `onConnection` for each client; resolves to its `127.0.0.1:port`. */
  async server(onConnection: (socket: Socket) => void): Promise<string> {
    const server = createServer((socket) => {
      this.track(socket);
      socket.on("error", () => {});
      onConnection(socket);
    });
    this.servers.add(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** Connects to `host:port`; rejects with the socket error (e.g. ECONNREFUSED). */
  connect(address: string): Promise<Socket> {
    const colon = address.lastIndexOf(":");
    const socket = connect({ host: address.slice(0, colon).replace(/^\[|\]$/g, ""), port: Number(address.slice(colon + 1)) });
    socket.setNoDelay(true);
    this.track(socket);
    return new Promise((resolve, reject) => {
      socket.once("connect", () => {
        socket.off("error", reject);
        // Resets are expected here; tests observe them through a SocketReader.
        socket.on("error", () => {});
        resolve(socket);
      });
      socket.once("error", reject);
    });
  }

  /** Closes every server and socket the kit opened. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await Promise.all([...this.servers].map((server) => new Promise((resolve) => server.close(resolve))));
    this.servers.clear();
    this.sockets.clear();
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once("close", () => this.sockets.delete(socket));
  }
}

/**
 * Collects everything a socket receives from the moment it is attached, so
 * reads can wait for bytes without losing any that arrive in between.
 */
export class SocketReader {
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private chunkCount = 0;
  private wake: (() => void) | undefined;
  /** Total bytes received. */
  received = 0;
  /** `performance.now()` of the first byte, if any. */
  firstDataAt: number | undefined;
  /** `performance.now()` when the stream ended or closed. */
  endedAt: number | undefined;
  error: NodeJS.ErrnoException | undefined;
  private readonly all: Buffer[] = [];

  constructor(socket: Socket) {
    socket.on("data", (data: Buffer) => {
      this.firstDataAt ??= performance.now();
      this.buffered.push(data);
      this.all.push(data);
      this.bufferedBytes += data.length;
      this.received += data.length;
      this.chunkCount += 1;
      this.wake?.();
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      this.error ??= error;
    });
    const end = (): void => {
      this.endedAt ??= performance.now();
      this.wake?.();
    };
    socket.once("end", end);
    socket.once("close", end);
  }

  /** Takes the next `length` bytes; the timeout error says how many came. */
  async read(length: number, timeoutMs: number): Promise<Buffer> {
    await this.until(
      () => this.bufferedBytes >= length,
      timeoutMs,
      () => `${this.bufferedBytes} of ${length} bytes`,
    );
    const joined = Buffer.concat(this.buffered);
    this.buffered = [joined.subarray(length)];
    this.bufferedBytes -= length;
    return joined.subarray(0, length);
  }

  /** Waits for the end of the stream (FIN, reset or close). */
  async untilEnd(timeoutMs: number): Promise<ReadResult> {
    await this.until(
      () => this.endedAt !== undefined,
      timeoutMs,
      () => `${this.received} bytes, no end`,
    );
    return { data: Buffer.concat(this.all), chunks: this.chunkCount, error: this.error, endedAt: this.endedAt ?? 0 };
  }

  private async until(done: () => boolean, timeoutMs: number, progress: () => string): Promise<void> {
    const started = performance.now();
    while (!done()) {
      const left = timeoutMs - (performance.now() - started);
      if (left <= 0 || (this.endedAt !== undefined && !done())) {
        const elapsed = Math.round(performance.now() - started);
        throw new Error(`after ${elapsed} ms: ${progress()}${this.endedAt === undefined ? "" : " (stream ended)"}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}

/** Reads a fresh socket until the peer ends or resets the connection. */
export function readToEnd(socket: Socket, timeoutMs: number): Promise<ReadResult> {
  return new SocketReader(socket).untilEnd(timeoutMs);
}

/** Resolves with the elapsed ms once `socket` is closed by either side. */
export function closedWithin(socket: Socket, timeoutMs: number): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    if (socket.destroyed) return resolve(0);
    const timer = setTimeout(() => reject(new Error(`socket still open after ${timeoutMs} ms`)), timeoutMs);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve(performance.now() - started);
    });
  });
}
