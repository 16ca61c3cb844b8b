import { randomBytes } from "node:crypto";
import { freePort } from "../env-kit/index.ts";
import { startToxiproxyServer, ToxiproxyApi, type StartedToxiproxyServer } from "../toxiproxy/index.ts";

/** The services whose traffic goes through a proxy that network faults can break. */
export type ProxiedService = "postgres" | "s3";

/** A proxied service of the environment, or a system's own dependency (`dependency:<name>`). */
type ProxyKey = ProxiedService | `dependency:${string}`;

/**
 * The Toxiproxy an environment routes the pipeline's traffic through: the
 * project's own server in this process by default, or a real Toxiproxy when
 * `TOXIPROXY_URL` is set. Proxy names carry a random suffix so environments
 * can share one Toxiproxy.
 */
export class NetworkLayer implements AsyncDisposable {
  private readonly names = new Map<ProxyKey, string>();
  private readonly ports = new Map<ProxyKey, number>();
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly api: ToxiproxyApi,
    private readonly server: StartedToxiproxyServer | undefined,
    private readonly suffix: string,
  ) {}

  static async start(externalUrl?: string): Promise<NetworkLayer> {
    const suffix = randomBytes(3).toString("hex");
    if (externalUrl) return new NetworkLayer(new ToxiproxyApi(externalUrl), undefined, suffix);
    const server = await startToxiproxyServer({ host: "127.0.0.1", port: 0 });
    return new NetworkLayer(server.api(), server, suffix);
  }

  /** Whether the proxies live on an external Toxiproxy rather than in this process. */
  get external(): boolean {
    return this.server === undefined;
  }

  /** Creates the proxy for `service` in front of `upstreamPort` on a free loopback port; returns that port. */
  async expose(service: ProxyKey, upstreamPort: number, upstreamHost = "127.0.0.1"): Promise<number> {
    const name = `${service.replace(/[^A-Za-z0-9_.-]/g, "-")}-${this.suffix}`;
    // Exposed again (another experiment of the same system in this environment): the new upstream replaces the old.
    if (this.names.has(service)) await this.api.deleteProxy(name);
    // In this process, a port below the ephemeral range (see freePort): a partition closes the listener and opens it
    // again on the same port, which an outgoing connection could have taken meanwhile were it one listen(0) gave.
    const listen = this.external ? "127.0.0.1:0" : `127.0.0.1:${await freePort()}`;
    const state = await this.api.createProxy({ name, listen, upstream: `${upstreamHost}:${upstreamPort}` });
    const port = Number(state.listen.slice(state.listen.lastIndexOf(":") + 1));
    this.names.set(service, name);
    this.ports.set(service, port);
    return port;
  }

  /** The Toxiproxy name of the proxy in front of `service`, for network faults. */
  proxyName(service: ProxyKey): string {
    const name = this.names.get(service);
    if (!name) throw new Error(`no proxy in front of ${service}`);
    return name;
  }

  /** Where this machine reaches the proxy of `service` (for proving a partition took effect). */
  address(service: ProxyKey): { host: string; port: number } {
    return { host: "127.0.0.1", port: this.port(service) };
  }

  port(service: ProxyKey): number {
    const port = this.ports.get(service);
    if (port === undefined) throw new Error(`no proxy in front of ${service}`);
    return port;
  }

  /** Deletes this environment's proxies (and stops the in-process server). Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await Promise.allSettled([...this.names.values()].map((name) => this.api.deleteProxy(name)));
      await this.server?.stop();
    })();
    return this.stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
