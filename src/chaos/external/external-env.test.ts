import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { UnsupportedFaultError } from "../core/index.ts";
import { PostgresServer, S3Server, S3RVER_CREDENTIALS } from "../embedded/index.ts";
import { InterruptibleChild } from "../testing/index.ts";
import { ExternalEnvironment } from "./external-env.ts";
import type { ExternalFaultLibrary } from "./external-fault-library.ts";
import { query, UserStack } from "./testing/index.ts";
import { ExternalToxiproxyError } from "./user-toxiproxy-fault-path.ts";

// "The user's stack", started apart from the environment's code; the environment under test only gets its URLs.
let stack: UserStack;

beforeAll(async () => {
  // Started with the raw building blocks, not the environment's code.
  stack = await UserStack.start(
    Promise.all([PostgresServer.start(), S3Server.start()]).then(([postgres, s3]) => ({ postgres, s3, s3Credentials: S3RVER_CREDENTIALS })),
  );
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const CORPUS = [1, 2, 3].map((n) => ({ key: `corpus-external-test/songs/${n}.mid`, body: new Uint8Array([n]) }));

describe("the external environment on the user's Toxiproxy", () => {
  it("breaks the pipeline's path through the user's proxies, and leaves the stack as it found it", async () => {
    const before = await stack.state();
    const env = await new ExternalEnvironment().withVariables(stack.variables({ toxiproxy: true })).start();
    try {
      expect(env.target).toBe(
        `external (postgres 127.0.0.1:${stack.postgres.port}, s3 ${new URL(stack.s3.endpoint).host}, toxiproxy ${new URL(stack.toxiproxy.url).host})`,
      );
      const database = await env.createDatabase("experiment");
      expect(database.name).toMatch(/^chaos_experiment_[0-9a-f]{8}$/);
      expect(await env.seed(CORPUS)).toBe(3);
      const during = await stack.state();
      expect(during.databases).toContain(database.name);
      expect(during.objects).toContainEqual(["user-data", ["app/keep.txt", ...CORPUS.map((object) => object.key)].sort()]);

      await using faults = env.createFaults();
      await env.ping("postgres", 5_000);
      expect(await env.ping("postgres", 5_000)).toBeLessThan(400);
      const latency = await faults.toxic("postgres", { type: "latency", stream: "downstream", attributes: { latency: 400 } });
      expect((await stack.toxiproxy.api().getProxy("pg_main")).toxics.map((toxic) => toxic.type)).toEqual(["latency"]);
      // The toxic acts on open connections too: the ping's pooled connection now waits 400 ms for each answer.
      expect(await env.ping("postgres", 10_000)).toBeGreaterThanOrEqual(400);
      await latency.remove();
      expect((await stack.toxiproxy.api().getProxy("pg_main")).toxics).toEqual([]);

      const partition = await faults.partition("s3");
      expect(partition.observations.enabled).toBe(false);
      await expect(env.ping("s3", 2_000)).rejects.toThrow();
      // Left in effect on purpose: stopping the environment must put the proxy back even when a removal never ran.
    } finally {
      await env.stop();
    }
    expect(await stack.state()).toEqual(before);
  }, 120_000);

  it("refuses a proxy that is missing, disabled, or already toxic, naming the variable", async () => {
    const api = stack.toxiproxy.api();
    const start = (change: Record<string, string>) => new ExternalEnvironment().withVariables({ ...stack.variables({ toxiproxy: true }), ...change }).start();
    await expect(start({ CHAOS_EXTERNAL_TOXIPROXY_S3_PROXY: "nope" })).rejects.toMatchObject({
      cause: new ExternalToxiproxyError(`CHAOS_EXTERNAL_TOXIPROXY_S3_PROXY: the Toxiproxy at ${stack.toxiproxy.url} has no proxy named "nope"`),
    });
    const down = await api.disableProxy("minio");
    await expect(start({})).rejects.toMatchObject({
      cause: { message: 'CHAOS_EXTERNAL_TOXIPROXY_S3_PROXY: proxy "minio" is disabled; enable it before an experiment' },
    });
    await down.remove();
    const toxic = await api.injectToxic("pg_main", { type: "latency", stream: "downstream", attributes: { latency: 1 } });
    await expect(start({})).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/^CHAOS_EXTERNAL_TOXIPROXY_POSTGRES_PROXY: proxy "pg_main" already has toxics/) },
    });
    await toxic.remove();
  });
});

describe("the external environment with the project's own proxies", () => {
  it("injects S3 and Postgres rule faults on the pipeline's path only, refuses faults on the user's services, and leaves the stack as found", async () => {
    const before = await stack.state();
    // A bucket the stack does not have: the environment creates it, and removes it again.
    const env = await new ExternalEnvironment().withVariables(stack.variables({ bucket: "chaos-scratch", toxiproxy: false })).start();
    try {
      await env.seed(CORPUS);
      await using faults = env.createFaults();

      const slowDown = await faults.s3({ type: "error", status: 503, code: "SlowDown", match: { operation: "HeadObject" } });
      await expect(env.ping("s3", 5_000)).rejects.toThrow();
      expect(slowDown.observations.requestsFaulted).toBeGreaterThan(0);
      await slowDown.remove();
      await env.ping("s3", 5_000);

      const database = await env.createDatabase("rule");
      const refused = await faults.postgres({ type: "error", match: { pattern: /^SELECT 42/ }, sqlstate: "40001" });
      await expect(query(env.proxiedDatabaseUrl(database.name), "SELECT 42")).rejects.toMatchObject({ code: "40001" });
      // The direct path (the suite's checks) is untouched by the rule.
      expect(await query(database.url, "SELECT 42 AS answer")).toEqual([{ answer: 42 }]);
      await refused.remove();
      expect(await query(env.proxiedDatabaseUrl(database.name), "SELECT 42 AS answer")).toEqual([{ answer: 42 }]);

      const library = faults as ExternalFaultLibrary;
      const refusals = [
        () => library.kill("postgres"),
        () => library.pause("s3"),
        () => library.stop("postgres"),
        () => library.exhaustConnections(),
        () => library.slowQueries({ sessions: 1 }),
        () => library.lockTable({ table: "orders" }),
      ];
      for (const inject of refusals) {
        const error = await inject().then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
        expect(error).toBeInstanceOf(UnsupportedFaultError);
        expect((error as Error).message).toMatch(
          /is not available on the external environment: (the suite did not start it|it would load a server others share|it would lock tables in the database you gave)/,
        );
      }
      expect(faults.injected).toHaveLength(2);
    } finally {
      await env.stop();
    }
    expect(await stack.state()).toEqual(before);
  }, 120_000);
});

describe("Ctrl-C on the external environment", () => {
  it.skipIf(process.platform !== "linux")(
    "rolls every fault back, puts the user's proxies back and takes away the suite's database and objects",
    async () => {
      const before = await stack.state();
      // The child reads the stack's URLs and credentials from its environment, never from its arguments.
      for (const [name, value] of Object.entries(stack.variables({ toxiproxy: true }))) vi.stubEnv(name, value);
      let child: InterruptibleChild;
      try {
        child = new InterruptibleChild(fileURLToPath(new URL("./testing/hold-external-faults-until-interrupted.ts", import.meta.url)));
      } finally {
        vi.unstubAllEnvs();
      }
      await using _child = child;
      const { database } = await child.report<{ database: string }>();
      const during = await stack.state();
      expect(during.databases).toContain(database);
      expect(during.proxies.find((proxy) => proxy.name === "pg_main")?.toxics.map((toxic) => toxic.type)).toEqual(["latency"]);
      expect(during.proxies.find((proxy) => proxy.name === "minio")?.enabled).toBe(false);

      child.interrupt();
      expect((await child.exited).code).toBe(130);
      expect(await stack.state()).toEqual(before);
    },
    60_000,
  );
});
