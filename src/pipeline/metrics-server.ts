import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";

/** A running `/metrics` endpoint. */
export interface MetricsServer extends AsyncDisposable {
  url: string;
  close(): Promise<void>;
}

/** Serves `registry` at `/metrics` in Prometheus text format (and `/healthz`). */
export async function serveMetrics(registry: Registry, port = 0, host = "127.0.0.1"): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    if (request.url === "/metrics") {
      registry
        .metrics()
        .then((body) => {
          response.writeHead(200, { "content-type": registry.contentType });
          response.end(body);
        })
        .catch((error: unknown) => {
          response.writeHead(500).end(String(error));
        });
    } else if (request.url === "/healthz") {
      response.writeHead(200).end("ok\n");
    } else {
      response.writeHead(404).end("not found\n");
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }));
  return { url: `http://${host}:${address.port}/metrics`, close, [Symbol.asyncDispose]: close };
}
