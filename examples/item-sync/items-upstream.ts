import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** Options of {@link startItemsUpstream}. */
export interface ItemsUpstreamOptions {
  /** Items served, ids 1..items. */
  items: number;
  /** Think time per request in ms, so a run lasts long enough to be broken (default 5). */
  thinkMs?: number;
}

/** item-sync's upstream: `GET /items?after=ID&limit=N` answers `{ items }` with ids after ID, in order. */
export interface ItemsUpstream extends AsyncDisposable {
  /** Where the items are, e.g. `http://127.0.0.1:41234/items`. */
  readonly url: string;
  /** Requests answered so far. */
  readonly requests: number;
  close(): Promise<void>;
}

/** A tiny HTTP server of deterministic items on a random loopback port: the upstream item-sync fetches from. */
export async function startItemsUpstream(options: ItemsUpstreamOptions): Promise<ItemsUpstream> {
  let requests = 0;
  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://upstream");
    if (url.pathname !== "/items") return void response.writeHead(404).end();
    await sleep(options.thinkMs ?? 5);
    const after = Number(url.searchParams.get("after") ?? 0);
    const limit = Number(url.searchParams.get("limit") ?? 10);
    const items = [];
    for (let id = after + 1; id <= Math.min(options.items, after + limit); id++) items.push({ id, name: `item-${id}`, price_cents: (id * 7919) % 10_000 });
    requests++;
    response.setHeader("content-type", "application/json").end(JSON.stringify({ items }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections());
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/items`,
    get requests() {
      return requests;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
