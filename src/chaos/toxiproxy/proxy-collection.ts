/**
 * The server's proxies by name: guards against duplicates and implements
 * Toxiproxy's create, populate (create or replace), delete and reset.
 */
import { proxyAlreadyExists, proxyNotFound } from "./errors.ts";
import type { ResolvedProxyConfig } from "./proxy-spec.ts";
import { TcpProxy } from "./tcp-proxy.ts";

export class ProxyCollection {
  private readonly proxies = new Map<string, TcpProxy>();

  /** Every proxy, sorted by name as Toxiproxy's JSON map is. */
  all(): TcpProxy[] {
    return [...this.proxies.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  get(name: string): TcpProxy {
    const proxy = this.proxies.get(name);
    if (!proxy) throw proxyNotFound();
    return proxy;
  }

  /** 409 if the name is taken; a bind failure leaves nothing behind. */
  async add(config: ResolvedProxyConfig): Promise<TcpProxy> {
    if (this.proxies.has(config.name)) throw proxyAlreadyExists();
    const proxy = new TcpProxy(config.name, config.listen, config.upstream);
    if (config.enabled) await proxy.start();
    this.proxies.set(config.name, proxy);
    return proxy;
  }

  /**
   * Creates each proxy, or replaces a same-named one whose listen or upstream
   * differs; an identical one is kept as it is, toxics and all.
   */
  async populate(configs: readonly ResolvedProxyConfig[]): Promise<TcpProxy[]> {
    const result: TcpProxy[] = [];
    for (const config of configs) {
      const existing = this.proxies.get(config.name);
      if (existing && existing.listen === config.listen && existing.upstream === config.upstream) {
        result.push(existing);
        continue;
      }
      await existing?.stop();
      const proxy = new TcpProxy(config.name, config.listen, config.upstream);
      if (config.enabled) await proxy.start();
      this.proxies.set(config.name, proxy);
      result.push(proxy);
    }
    return result;
  }

  async remove(name: string): Promise<void> {
    const proxy = this.get(name);
    this.proxies.delete(name);
    await proxy.stop();
  }

  /** Enables every proxy and removes every toxic. */
  async reset(): Promise<void> {
    for (const proxy of this.all()) {
      await proxy.start();
      await proxy.toxics.reset();
    }
  }

  /** Stops and forgets every proxy. */
  async clear(): Promise<void> {
    const proxies = this.all();
    this.proxies.clear();
    await Promise.all(proxies.map((proxy) => proxy.stop()));
  }
}
