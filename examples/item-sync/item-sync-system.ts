import { fileURLToPath } from "node:url";
import { commandSystem, type SystemUnderTest } from "../../src/chaos/experiment/index.ts";

const SERVICE = fileURLToPath(new URL("./item-sync.ts", import.meta.url));
const REPOSITORY = fileURLToPath(new URL("../../", import.meta.url));

/** Name of item-sync's HTTP dependency, for faults (`dependencies.toxic(ITEMS, …)`) and probes. */
export const ITEMS = "items";

/**
 * item-sync as a system under test: a Node command, Postgres and an HTTP
 * upstream as its dependencies, progress from its Prometheus counters, and
 * its table compared row by row with the golden run's.
 */
export function itemSyncSystem(options: { upstreamUrl: string; items: number }): SystemUnderTest {
  return commandSystem({
    name: "item-sync",
    launch: { kind: "command", command: process.execPath, args: ["--import", "tsx", SERVICE], cwd: REPOSITORY },
    dependencies: [
      { name: "postgres", protocol: "postgres", env: "DATABASE_URL" },
      { name: ITEMS, protocol: "http", env: "ITEMS_URL", upstream: options.upstreamUrl },
    ],
    progress: { kind: "prometheus", done: "item_sync_items_synced_total", retries: "item_sync_retries_total" },
    integrity: { kind: "sql", queries: { synced_item: "SELECT id, name, price_cents FROM synced_item ORDER BY id" } },
    workUnits: options.items,
    sources: [SERVICE],
  });
}
