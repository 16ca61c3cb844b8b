/**
 * A Toxiproxy 2.x-compatible server in this process: the HTTP API plus the
 * TCP proxies it manages. Code written against the real Toxiproxy (its
 * clients, curl scripts, `TOXIPROXY_URL`) works against `url` unchanged.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createToxiproxyHandler } from "./api-handler.ts";
import { formatHostPort } from "./host-port.ts";
import { ProxyCollection } from "./proxy-collection.ts";
import { ToxiproxyApi } from "./toxiproxy-api.ts";

/** Toxiproxy's own default API port. */
export const TOXIPROXY_DEFAULT_PORT = 8474;

export interface ToxiproxyServerOptions {
  /** Interface for the HTTP API; default `127.0.0.1`. */
  host?: string;
  /** HTTP API port; 0 picks a free one; default 8474 as Toxiproxy. */
  port?: number;
}

export interface StartedToxiproxyServer extends AsyncDisposable {
  /** Base URL of the API, e.g. `http://127.0.0.1:8474`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** A typed client for this server. */
  api(): ToxiproxyApi;
  /** Closes the API, every proxy listener and every proxied connection; safe to call twice. */
  stop(): Promise<void>;
}

export async function startToxiproxyServer(options: ToxiproxyServerOptions = {}): Promise<StartedToxiproxyServer> {
  const host = options.host ?? "127.0.0.1";
  const proxies = new ProxyCollection();
  const server = createServer(createToxiproxyHandler(proxies));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port: options.port ?? TOXIPROXY_DEFAULT_PORT }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const url = `http://${formatHostPort(bound.address, bound.port)}`;

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await proxies.clear();
      await closed;
    })();
    return stopping;
  };

  return {
    url,
    host: bound.address,
    port: bound.port,
    api: () => new ToxiproxyApi(url),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
