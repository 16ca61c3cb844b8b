/**
 * One named proxy: a TCP listener on `listen` forwarding every connection to
 * `upstream` through the proxy's toxics. Disabling closes the listener and
 * every open connection; enabling listens again on the address it reported.
 */
import { lookup } from "node:dns/promises";
import { createServer, isIP, type AddressInfo, type Server, type Socket } from "node:net";
import { ToxiproxyApiError } from "./errors.ts";
import { formatHostPort, parseHostPort } from "./host-port.ts";
import { ProxyConnection } from "./proxy-connection.ts";
import type { ProxyState } from "./proxy-spec.ts";
import { ToxicCollection } from "./toxic-collection.ts";

export class TcpProxy {
  readonly toxics = new ToxicCollection();
  private server: Server | undefined;
  private readonly connections = new Set<ProxyConnection>();
  private enabledState = false;

  constructor(
    readonly name: string,
    private listenAddress: string,
    private upstreamAddress: string,
  ) {}

  /** The listening address; after a start with port 0, the port actually bound. */
  get listen(): string {
    return this.listenAddress;
  }

  get upstream(): string {
    return this.upstreamAddress;
  }

  get enabled(): boolean {
    return this.enabledState;
  }

  /** Listens on `listen`; a bind failure is a 500, as in Toxiproxy. */
  async start(): Promise<void> {
    if (this.enabledState) return;
    // An empty address means every interface and a free port, as Go's net.Listen reads it.
    const { host, port } = this.listenAddress === "" ? { host: "", port: 0 } : parseHostPort(this.listenAddress, "listen", { allowPortZero: true });
    const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.accept(socket));
    try {
      const address = host === "" ? undefined : await resolveHost(host);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen({ host: address, port }, () => {
          server.off("error", reject);
          resolve();
        });
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new ToxiproxyApiError(`listen tcp ${this.listenAddress}: ${code}`, 500, { field: "listen", cause: error });
    }
    const bound = server.address() as AddressInfo;
    this.listenAddress = formatHostPort(bound.address, bound.port);
    this.server = server;
    this.enabledState = true;
  }

  /** Stops listening and closes every open connection. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!this.enabledState || !server) return;
    this.enabledState = false;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const connection of [...this.connections]) connection.destroy();
    await closed;
  }

  /** Applies `POST /proxies/{name}`: a new address restarts the proxy, dropping connections. */
  async update(next: { listen: string; upstream: string; enabled: boolean }): Promise<void> {
    if (next.listen !== this.listenAddress || next.upstream !== this.upstreamAddress) {
      await this.stop();
      this.listenAddress = next.listen;
      this.upstreamAddress = next.upstream;
    }
    if (next.enabled && !this.enabledState) await this.start();
    if (!next.enabled) await this.stop();
  }

  toJSON(): ProxyState {
    return {
      name: this.name,
      listen: this.listenAddress,
      upstream: this.upstreamAddress,
      enabled: this.enabledState,
      toxics: this.toxics.list(),
    };
  }

  private accept(client: Socket): void {
    let target;
    try {
      target = parseHostPort(this.upstreamAddress, "upstream", { allowPortZero: false });
    } catch {
      client.destroy();
      return;
    }
    const connection = new ProxyConnection(client, target, this.toxics, (closed) => this.connections.delete(closed));
    this.connections.add(connection);
  }
}

/** Go's listener takes the first address, IPv4 before IPv6: `localhost` binds 127.0.0.1. */
async function resolveHost(host: string): Promise<string> {
  if (isIP(host) !== 0) return host;
  const { address } = await lookup(host, { order: "ipv4first" });
  return address;
}
