import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { UnsupportedFaultError, type ChaosEnvironment, type HostPort, type SystemDefinition } from "../../core/index.ts";
import { runExperiment, UNSUPPORTED_PREFIX } from "../../experiment/index.ts";
import { renderHtmlReport, validateJournal } from "../../report/index.ts";
import { buildJournal } from "../../report/testing/index.ts";
import { FakeEnvironment } from "../../testing/index.ts";
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
    expect(verdict).toMatchObject({ ok: true, counts: { rows: { items: { golden: 3, experiment: 3 } }, inputObjects: 3 } });
    expect(verdict.counts).not.toHaveProperty("quarantined");
    expect(verdict.summary).toBe("identical to the golden run: 3 rows of items");
  });

  it("names lost, extra, duplicated and changed rows by their first column", () => {
    const verdict = judgeOutput(golden, { items: ['[1,"a"]', '[1,"a"]', '[2,"B"]', '[4,"d"]'] }, 3);
    expect(verdict.ok).toBe(false);
    expect(verdict).toMatchObject({ lost: ["items 3"], extra: ["items 4"], duplicated: ["items 1"], mismatched: ['items 2: [2,"B"] instead of [2,"b"]'] });
    expect(verdict.summary).toMatch(/^1 row lost, 1 row extra, 1 row duplicated, 1 row with different values/);
  });
});

describe("an item-sync journal", () => {
  it("counts rows per query and has no quarantine, passes the journal schema, and the report shows its own table", () => {
    const golden = { synced_item: ['[1,"a",100]', '[2,"b",200]', '[3,"c",300]'], audit: ['["x"]'] };
    const verdict = judgeOutput(golden, { synced_item: ['[1,"a",100]', '[2,"b",200]'], audit: ['["x"]'] }, 3);
    expect(verdict.counts).toEqual({ rows: { synced_item: { golden: 3, experiment: 2 }, audit: { golden: 1, experiment: 1 } }, inputObjects: 3 });
    const journal = validateJournal(JSON.parse(JSON.stringify(buildJournal({ id: "item-sync-upstream-reset", integrity: verdict }))), "item-sync.json");
    const page = renderHtmlReport({ schemaVersion: 1, generatedAt: journal.startedAt, journals: [journal] });
    expect(page).toMatch(/<tr class="fail"><th><code>synced_item<\/code> rows<\/th><td>3<\/td><td>2<\/td><\/tr>/);
    expect(page).toMatch(/<tr class=""><th><code>audit<\/code> rows<\/th><td>1<\/td><td>1<\/td><\/tr>/);
    expect(page).not.toMatch(/instrument rows|similarity pairs|<th>quarantined<\/th>/);
    expect(page).toContain("<code>synced_item 3</code>");
  });
});

/** An environment that gives a run its database and bucket, and puts a recorded "proxy" in front of a system's own dependencies. */
function configuredEnvironment(network: boolean) {
  const exposed: { dependency: string; upstream: HostPort }[] = [];
  const toxics: string[] = [];
  const env = {
    kind: "embedded",
    pipelineConfig: (prefix: string, options: { database: string; direct?: boolean }) => ({
      databaseUrl: `postgres://app:db-secret@127.0.0.1:${options.direct ? 5432 : 15432}/${options.database}`,
      s3: {
        endpoint: "http://127.0.0.1:9000",
        bucket: "corpus",
        prefix,
        region: "us-east-1",
        credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "s3-secret" },
      },
    }),
    dependencyNetwork: network
      ? {
          expose: async (dependency: string, upstream: HostPort) => {
            exposed.push({ dependency, upstream });
            return { host: "127.0.0.1", port: 40_000 + exposed.length };
          },
          toxic: async (dependency: string) => void toxics.push(`toxic ${dependency}`),
          partition: async (dependency: string) => void toxics.push(`partition ${dependency}`),
        }
      : undefined,
  } as unknown as ChaosEnvironment;
  return { env, exposed, toxics };
}

/** Prints the variables a system is started with (the secrets only compared), then the raw secrets, which must come out redacted. */
const PRINT_ENVIRONMENT = `
const { DATABASE_URL, S3_ENDPOINT, S3_ENDPOINT_BUCKET, S3_ENDPOINT_PREFIX, AWS_REGION, AWS_ACCESS_KEY_ID, CACHE_ADDR, PORT } = process.env;
console.log(JSON.stringify({ S3_ENDPOINT, S3_ENDPOINT_BUCKET, S3_ENDPOINT_PREFIX, AWS_REGION, AWS_ACCESS_KEY_ID, CACHE_ADDR, PORT,
  secret: process.env.AWS_SECRET_ACCESS_KEY === "s3-secret", databasePort: new URL(DATABASE_URL).port, args: process.argv.slice(1) }));
console.log("raw:", DATABASE_URL, process.env.AWS_SECRET_ACCESS_KEY);`;

describe("commandSystem attached to an environment", () => {
  const withS3AndTcp: SystemDefinition = {
    ...DEFINITION,
    launch: { kind: "command", command: process.execPath, args: ["-e", PRINT_ENVIRONMENT] },
    dependencies: [
      { name: "db", protocol: "postgres", env: "DATABASE_URL" },
      { name: "corpus", protocol: "s3", env: "S3_ENDPOINT" },
      { name: "cache", protocol: "tcp", env: "CACHE_ADDR", upstream: "127.0.0.1:6379" },
    ],
    progress: { kind: "http", done: "done" },
  };

  it("starts the command with each address in its variable: the proxied database, the bucket with its prefix and credentials, a tcp proxy as host:port", async () => {
    const { env, exposed, toxics } = configuredEnvironment(true);
    await using attached = await commandSystem(withS3AndTcp).attach(env);
    expect(exposed).toEqual([{ dependency: "cache", upstream: { host: "127.0.0.1", port: 6379 } }]);
    expect(attached.addressOf("cache")).toBe("127.0.0.1:40001");
    expect(attached.addressOf("db")).toBeUndefined();

    const process_ = await attached.start({ prefix: "run-1/", database: "experiment_1" });
    const exit = await process_.exited;
    expect(exit.code).toBe(0);
    const [printed, raw] = exit.outputTail.trim().split("\n");
    const variables = JSON.parse(printed!) as Record<string, unknown>;
    expect(variables).toMatchObject({
      S3_ENDPOINT: "http://127.0.0.1:9000",
      S3_ENDPOINT_BUCKET: "corpus",
      S3_ENDPOINT_PREFIX: "run-1/",
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
      CACHE_ADDR: "127.0.0.1:40001",
      secret: true,
      databasePort: "15432", // through the fault layers, not direct
      args: [],
    });
    expect(Number(variables.PORT)).toBeGreaterThan(0);
    expect(raw).toBe("raw: [redacted] [redacted]");

    await attached.dependencies.partition("cache");
    expect(toxics).toEqual(["partition cache"]);
    await expect(attached.dependencies.toxic("db", { type: "latency", stream: "downstream", attributes: { latency: 10 } })).rejects.toThrow(
      'item-sync has no http or tcp dependency named "db" (it has: cache)',
    );
    expect(await attached.quarantined({ name: "experiment_1", url: "postgres://unused" })).toBeNull();
  });

  it.each([
    [{ kind: "container", image: "example/item-sync:1" }, "container"],
    [{ kind: "kubernetes-job", image: "example/item-sync:1" }, "kubernetes-job"],
  ] as const)("refuses to start the system as a %j, with the reason", async (launch, kind) => {
    const { env } = configuredEnvironment(true);
    const attaching = commandSystem({ ...DEFINITION, launch }).attach(env);
    await expect(attaching).rejects.toThrow(UnsupportedFaultError);
    await expect(attaching).rejects.toThrow(
      `starting item-sync as a ${kind} is not available on the embedded environment: only Scale runs as a container or a Kubernetes Job so far; give the system a command`,
    );
  });

  it("refuses an http or tcp dependency where the environment cannot put a proxy in front of it", async () => {
    const { env } = configuredEnvironment(false);
    await expect(commandSystem(withS3AndTcp).attach(env)).rejects.toThrow(
      'the tcp dependency "cache" of item-sync is not available on the embedded environment: this environment cannot put a proxy in front of a system\'s own dependency',
    );
  });

  it("makes an experiment on a system it cannot start a skip naming the reason, before any run", async () => {
    const env = new FakeEnvironment();
    const journal = await runExperiment(env, {
      id: "item-sync-as-container",
      title: "item-sync as a container",
      cause: "equipment-failure",
      system: commandSystem({ ...DEFINITION, launch: { kind: "container", image: "example/item-sync:1" } }),
      corpus: [],
      hypothesis: [],
      method: [],
      budget: { recoveryMs: 1_000 },
    });
    expect(journal.status).toBe("aborted");
    expect(journal.reason).toBe(
      `${UNSUPPORTED_PREFIX}starting item-sync as a container is not available on the embedded environment: only Scale runs as a container or a Kubernetes Job so far; give the system a command`,
    );
    expect(env.launched).toEqual([]);
    expect(env.databases).toEqual([]);
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
