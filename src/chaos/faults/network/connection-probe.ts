/**
 * TCP-level proof that a proxy is down, for stamping a partition: a new
 * connection is refused (or, behind a container engine's port forwarder,
 * accepted and closed at once), and a connection opened before is cut.
 */
import { connect, type Socket } from "node:net";

/** Where the test machine reaches a proxy. */
export interface ProxyAddress {
  host: string;
  port: number;
}

/** A connect that gets no answer within this long counts as cut off (a dropped SYN). */
const CONNECT_TIMEOUT_MS = 1_000;
/**
 * A connection the peer has not closed within this long is being served.
 * Neither Postgres nor an S3 server speaks first, so an open proxy leaves it
 * silent and open; a port forwarder in front of a closed listener closes it
 * within a round trip.
 */
const SERVED_AFTER_MS = 200;

/** Whether a new connection to `address` gets no service: refused, reset, closed at once, or unanswered. */
export function refusesConnections(address: ProxyAddress): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address.host, port: address.port });
    let timer = setTimeout(() => finish(true), CONNECT_TIMEOUT_MS);
    const finish = (refused: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(refused);
    };
    socket.once("error", () => finish(true));
    socket.once("close", () => finish(true));
    socket.once("connect", () => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(false), SERVED_AFTER_MS);
    });
  });
}

/** A connection held open through a proxy, which a partition must cut. */
export class SentinelConnection {
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on("error", () => undefined);
    socket.once("close", () => {
      this.closed = true;
    });
  }

  /** Opens one, or resolves undefined when `address` does not accept (the proxy is down already). */
  static open(address: ProxyAddress): Promise<SentinelConnection | undefined> {
    return new Promise((resolve) => {
      const socket = connect({ host: address.host, port: address.port });
      const timer = setTimeout(() => fail(), CONNECT_TIMEOUT_MS);
      const fail = () => {
        clearTimeout(timer);
        socket.destroy();
        resolve(undefined);
      };
      socket.once("error", fail);
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.off("error", fail);
        resolve(new SentinelConnection(socket));
      });
    });
  }

  /** Whether the peer closed or reset it. */
  get isCut(): boolean {
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }
}
