/**
 * A client connection through a proxy: the client socket, the socket to the
 * upstream, and a toxic link for each direction. A FIN in one direction is
 * passed on as a half-close; the pair is closed when both directions have
 * ended, when a toxic hangs up, or when the proxy is disabled.
 */
import { connect, type Socket } from "node:net";
import { finished } from "node:stream";
import type { HostPort } from "./host-port.ts";
import type { ToxicCollection } from "./toxic-collection.ts";
import { ToxicLink, type LinkControl } from "./toxic-link.ts";

/** After a hang-up, a destination that will not take its last bytes is closed anyway. */
const HANGUP_FLUSH_TIMEOUT_MS = 5_000;

const ignore = (): void => {};

export class ProxyConnection implements LinkControl {
  private readonly upstream: Socket;
  private readonly links: readonly ToxicLink[];
  private endedLinks = 0;
  private closed = false;

  constructor(
    private readonly client: Socket,
    target: HostPort,
    private readonly toxics: ToxicCollection,
    private readonly onClosed: (connection: ProxyConnection) => void,
  ) {
    client.setNoDelay(true);
    client.on("error", ignore);
    const upstream = connect({ host: target.host || "localhost", port: target.port, allowHalfOpen: true, noDelay: true });
    this.upstream = upstream;
    upstream.on("error", ignore);
    // Toxiproxy closes the client when the upstream cannot be dialled.
    let connected = false;
    upstream.once("connect", () => {
      connected = true;
    });
    upstream.once("close", () => {
      if (!connected) this.destroy();
    });
    this.links = [
      new ToxicLink("upstream", client, upstream, toxics.chain("upstream"), this),
      new ToxicLink("downstream", upstream, client, toxics.chain("downstream"), this),
    ];
    for (const link of this.links) {
      toxics.attach(link);
      link.start();
    }
  }

  hangUp(flushing: Socket): void {
    flushing.end();
    const timer = setTimeout(() => this.destroy(), HANGUP_FLUSH_TIMEOUT_MS);
    timer.unref();
    finished(flushing, { readable: false }, () => {
      clearTimeout(timer);
      this.destroy();
    });
  }

  linkEnded(): void {
    this.endedLinks += 1;
    if (this.endedLinks === this.links.length) this.destroy();
  }

  resetPeer(): void {
    if (!this.release()) return;
    this.client.resetAndDestroy();
    this.upstream.resetAndDestroy();
  }

  /** Closes both sockets now (FIN, or RST if unread data is pending). */
  destroy(): void {
    if (!this.release()) return;
    this.client.destroy();
    this.upstream.destroy();
  }

  private release(): boolean {
    if (this.closed) return false;
    this.closed = true;
    for (const link of this.links) {
      link.kill();
      this.toxics.detach(link);
    }
    this.onClosed(this);
    return true;
  }
}
