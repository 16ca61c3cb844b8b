/**
 * The two sockets of one proxied session: coalesced writes each way,
 * backpressure (a reader pauses while its writer's buffer is full), a pause
 * of the client while the session waits, and the ways a session ends.
 */
import type { Socket } from "node:net";
import { WriteRun } from "./write-run.ts";

/** How long a cut server connection may stay silent before it is destroyed anyway. */
const SERVER_LINGER_MS = 10_000;

export class SocketPair {
  private readonly toServerRun = new WriteRun((bytes) => {
    if (!this.server.write(bytes)) this.pauseUntilDrained(this.client, this.server);
  });
  private readonly toClientRun = new WriteRun((bytes) => {
    if (!this.client.write(bytes)) this.pauseUntilDrained(this.server, this.client);
  });
  private readonly pausedForDrain = new Set<Socket>();
  private clientHeld = false;
  /** The server connection was cut after a flush: it closes on its own once the server has read everything. */
  private serverLingering = false;
  private closedState = false;

  constructor(
    readonly client: Socket,
    readonly server: Socket,
    private readonly onClose: () => void,
  ) {
    client.on("error", () => this.close());
    // A server that refuses or resets the connection (a partition or reset in a proxy behind this one) reaches the client as a reset too.
    server.on("error", () => this.resetClient());
    for (const socket of [client, server]) socket.on("close", () => this.close());
  }

  get closed(): boolean {
    return this.closedState;
  }

  toServer(bytes: Buffer): void {
    this.toServerRun.push(bytes);
  }

  toClient(bytes: Buffer): void {
    this.toClientRun.push(bytes);
  }

  /** Hands what was queued to the sockets; before the proxy writes on its own, waits, or closes. */
  flush(): void {
    this.toServerRun.flush();
    this.toClientRun.flush();
  }

  /** Stops reading the client while the session waits (a hold, a query of the proxy's own). */
  holdClient(): void {
    this.clientHeld = true;
    this.client.pause();
  }

  releaseClient(): void {
    this.clientHeld = false;
    if (!this.pausedForDrain.has(this.client)) this.client.resume();
  }

  /** Destroys both sockets (idempotent). */
  close(): void {
    if (!this.serverLingering) this.server.destroy();
    this.closeClient();
  }

  /** Both sides get a TCP RST, as from a crashed middlebox. */
  reset(): void {
    this.client.resetAndDestroy();
    this.server.resetAndDestroy();
    this.close();
  }

  private resetClient(): void {
    if (!this.closedState) this.client.resetAndDestroy();
    this.close();
  }

  /**
   * The server reads what was forwarded, then EOF; the client loses its
   * connection at once. The server connection is left to close on its own
   * and its replies are read (and dropped) until then: destroying a socket
   * with unread input sends a reset, which makes the server drop forwarded
   * data it had not read yet (the rows of a COPY before the cut).
   */
  cutAfterFlush(): void {
    this.flush();
    this.detachServer();
    this.serverLingering = true;
    this.server.removeAllListeners("data");
    this.server.on("data", () => undefined);
    this.server.resume();
    this.server.setTimeout(SERVER_LINGER_MS, () => this.server.destroy());
    this.server.unref();
    this.server.end();
    this.closeClient();
  }

  /** As a server after a FATAL error: the last message, then EOF; the upstream session ends at once. */
  endClientWith(last: Buffer): void {
    this.flush();
    this.detachServer();
    this.server.destroy();
    this.client.end(last);
  }

  private closeClient(): void {
    if (this.closedState) return;
    this.closedState = true;
    this.client.destroy();
    this.onClose();
  }

  /** The server socket is on its way out; its end must not cut the client short. */
  private detachServer(): void {
    this.server.removeAllListeners("close");
    this.server.removeAllListeners("error");
    this.server.on("error", () => undefined);
  }

  private pauseUntilDrained(reader: Socket, writer: Socket): void {
    if (this.pausedForDrain.has(reader)) return;
    this.pausedForDrain.add(reader);
    reader.pause();
    writer.once("drain", () => {
      this.pausedForDrain.delete(reader);
      if (reader !== this.client || !this.clientHeld) reader.resume();
    });
  }
}
