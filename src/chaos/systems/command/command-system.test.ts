import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import type { SystemDefinition } from "../../core/index.ts";
import { commandSystem } from "./command-system.ts";
import { judgeOutput } from "./integrity-oracle.ts";
import { progressReader } from "./progress-reader.ts";

const DEFINITION: SystemDefinition = {
  name: "item-sync",
  launch: { kind: "command", command: process.execPath, args: ["sync.js"] },
  dependencies: [
    { name: "db", protocol: "postgres", env: "DATABASE_URL" },
    { name: "items", protocol: "http", env: "ITEMS_URL", upstream: "http://127.0.0.1:8080/items" },
  ],
  progress: { kind: "sql", done: "SELECT count(*) FROM item" },
  integrity: { kind: "sql", queries: { items: "SELECT id, name FROM item ORDER BY id" } },
  workUnits: 100,
};

describe("commandSystem", () => {
  it.each([
    [{ name: "" }, /name is required/],
    [{ launch: { kind: "vm" } }, /launch.kind must be one of command, container, kubernetes-job/],
    [{ dependencies: [{ name: "items", protocol: "ftp", env: "X" }] }, /dependencies\[0\].protocol must be one of/],
    [{ dependencies: [{ name: "items", protocol: "http", env: "ITEMS_URL", upstream: "nowhere" }] }, /dependencies\[0\].upstream must be an http URL/],
    [{ dependencies: [{ name: "db", protocol: "postgres", env: "database url" }] }, /dependencies\[0\].env must be an environment variable name/],
    [{ progress: { kind: "sql", done: "" } }, /progress.done is required/],
    [{ integrity: { kind: "sql", queries: {} } }, /integrity.queries must name at least one query/],
    [{ workUnits: 0 }, /workUnits must be a positive integer/],
  ])("refuses a definition with %j, naming the field", (change, message) => {
    expect(() => commandSystem({ ...DEFINITION, ...change } as SystemDefinition)).toThrow(message);
  });

  it("changes its fingerprint with its definition, so a golden run is not reused for another system", async () => {
    const fingerprint = await commandSystem(DEFINITION).fingerprint();
    expect(await commandSystem({ ...DEFINITION }).fingerprint()).toBe(fingerprint);
    expect(await commandSystem({ ...DEFINITION, workUnits: 101 }).fingerprint()).not.toBe(fingerprint);
  });
});

describe("judgeOutput", () => {
  const golden = { items: ['[1,"a"]', '[2,"b"]', '[3,"c"]'] };

  it("passes identical output", () => {
    const verdict = judgeOutput(golden, { items: [...golden.items] }, 3);
    expect(verdict).toMatchObject({ ok: true, counts: { goldenInstruments: 3, instruments: 3 } });
    expect(verdict.summary).toBe("identical to the golden run: 3 rows of items");
  });

  it("names lost, extra, duplicated and changed rows by their first column", () => {
    const verdict = judgeOutput(golden, { items: ['[1,"a"]', '[1,"a"]', '[2,"B"]', '[4,"d"]'] }, 3);
    expect(verdict.ok).toBe(false);
    expect(verdict).toMatchObject({ lost: ["items 3"], extra: ["items 4"], duplicated: ["items 1"], mismatched: ['items 2: [2,"B"] instead of [2,"b"]'] });
    expect(verdict.summary).toMatch(/^1 row lost, 1 row extra, 1 row duplicated, 1 row with different values/);
  });
});

describe("progressReader", () => {
  it("reads done and retries from a Prometheus exposition and from a JSON document", async () => {
    const server = createServer((request, response) => {
      if (request.url === "/metrics")
        response.end('# TYPE synced_total counter\nsynced_total 42\nretries_total{cause="http"} 2\nretries_total{cause="sql"} 1\n');
      else response.end(JSON.stringify({ synced: 7, retries: 1 }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const prometheus = progressReader({ kind: "prometheus", done: "synced_total", retries: "retries_total" }, { databaseUrl: "", port });
      expect(await prometheus.read()).toEqual({ objectsDone: 42, retries: 3, pairsWritten: 0, quarantined: 0 });
      const json = progressReader({ kind: "http", path: "/progress", done: "synced", retries: "retries" }, { databaseUrl: "", port });
      expect(await json.read()).toEqual({ objectsDone: 7, retries: 1, pairsWritten: 0, quarantined: 0 });
      const missing = progressReader({ kind: "http", done: "missing" }, { databaseUrl: "", port });
      await expect(missing.read()).rejects.toThrow('progress document has no number field "missing"');
    } finally {
      server.close();
    }
  });
});
