import { createServer, type Server } from "node:net";
import { hostname } from "node:os";
import pg from "pg";
import { getContainerRuntimeClient } from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../core/index.ts";
import { containerEngineAvailable, listLabelledContainers, type ContainerEngine } from "./container-engine.ts";
import { ContainersEnvironment } from "./containers-env.ts";
import { OWNER_LABEL } from "./orphan-containers.ts";
import type { StartedContainersEnvironment } from "./started-containers-env.ts";
import { TOXIPROXY_API_PORT, TOXIPROXY_DIRECT_PORTS, TOXIPROXY_PROXY_PORTS, TOXIPROXY_START_ATTEMPTS } from "./toxiproxy-container.ts";

/**
 * Host ports and restarts (issue 16). Podman fixes a container's host ports
 * when it creates the container and binds them again on every start, so a
 * container started again after a kill asks for the ports it had, which
 * another process may hold by then. These tests take that chance away on
 * purpose: they occupy, while Postgres is down, every host port the engine
 * would bind for it when it starts again, and a port of the Toxiproxy
 * container between its creation and its start.
 */
const found = await containerEngineAvailable();
const unavailable = found.available ? undefined : found.reason;
const title = (name: string) => (unavailable === undefined ? name : `${name} (SKIPPED: ${unavailable})`);
const START_TIMEOUT_MS = 180_000;

/** The host ports the engine will bind when it starts `containerId`, from its own configuration. */
async function hostPortsBoundOnStart(containerId: string): Promise<number[]> {
  const client = await getContainerRuntimeClient();
  const { HostConfig } = await client.container.getById(containerId).inspect();
  return Object.values(HostConfig.PortBindings ?? {}).flatMap((bindings) =>
    ((bindings ?? []) as { HostPort?: string }[]).map((binding) => Number(binding.HostPort)).filter((port) => port > 0),
  );
}

/** Listens on `port` on every address, as an unrelated process that picked it would; waits for the engine to let go of it. */
async function occupy(port: number): Promise<Server> {
  return waitFor(
    () =>
      new Promise<Server | undefined>((resolve) => {
        const server = createServer();
        server.once("error", () => resolve(undefined));
        server.listen(port, "0.0.0.0", () => resolve(server));
      }),
    { description: `host port ${port} to be free`, timeoutMs: 10_000, intervalMs: 50 },
  );
}

async function selectOne(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000, query_timeout: 5_000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1");
  } finally {
    void client.end().catch(() => undefined);
  }
}

describe.skipIf(unavailable !== undefined)(title("host ports of the containers environment"), () => {
  let env: StartedContainersEnvironment;

  beforeAll(async () => {
    env = await new ContainersEnvironment().start();
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await env?.stop();
  });

  it("a killed Postgres starts again although another process took every host port it had, and the pipeline's and the direct URLs stay the same", async () => {
    const urls = { direct: env.databaseUrl, proxied: env.proxiedDatabaseUrl() };
    const faults = env.createFaults();
    const kill = await faults.kill("postgres");
    const taken: Server[] = [];
    try {
      for (const port of await hostPortsBoundOnStart(env.postgres.id)) taken.push(await occupy(port));
      await kill.remove();
    } finally {
      await faults.removeAll().catch(() => undefined);
      for (const server of taken) server.close();
    }
    expect(kill.observations.restartedPid).toEqual(expect.any(Number));
    expect({ direct: env.databaseUrl, proxied: env.proxiedDatabaseUrl() }).toEqual(urls);
    await selectOne(env.databaseUrl);
    await waitFor(() => selectOne(env.proxiedDatabaseUrl()).then(() => true), {
      description: "postgres on the pipeline's path",
      timeoutMs: 30_000,
      intervalMs: 100,
    });
  }, 120_000);

  it("when the engine cannot start Postgres again, the fault's removal fails as an environment failure with the engine's message", async () => {
    const faults = env.createFaults();
    const kill = await faults.kill("postgres");
    const client = await getContainerRuntimeClient();
    await client.container.getById(env.postgres.id).remove({ force: true, v: true });
    const error = await kill.remove().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.name).toBe("EnvironmentFailureError");
    expect(error?.message).toMatch(new RegExp(`^environment failure: could not .* the postgres container ${env.postgres.shortId}.*: .*no such container`, "i"));
  }, 60_000);
});

describe.skipIf(unavailable !== undefined)(title("the Toxiproxy container losing a host port between its creation and its start"), () => {
  const taken: Server[] = [];

  /** Takes the first host port the engine chose for the created container, as another process could. */
  const takeFirstPort = async (containerId: string): Promise<number> => {
    const [port] = await hostPortsBoundOnStart(containerId);
    taken.push(await occupy(port!));
    return port!;
  };

  afterAll(() => {
    for (const server of taken) server.close();
  });

  it(
    "is created again with new host ports, the clash recorded with the engine's message, and the environment works",
    async () => {
      const lost: number[] = [];
      await using env = await new ContainersEnvironment()
        .withToxiproxyCreatedHook(async (id) => {
          if (lost.length === 0) lost.push(await takeFirstPort(id));
        })
        .start();
      expect(env.hostPortClashes).toEqual([
        expect.stringMatching(new RegExp(`:${lost[0]}: bind: address already in use|${lost[0]}.*port is already allocated`)),
      ]);
      const published = [TOXIPROXY_API_PORT, ...Object.values(TOXIPROXY_PROXY_PORTS), ...Object.values(TOXIPROXY_DIRECT_PORTS)].map((port) =>
        env.toxiproxy.container.getMappedPort(port),
      );
      expect(published).not.toContain(lost[0]);
      await selectOne(env.databaseUrl);
      await selectOne(env.proxiedDatabaseUrl());
    },
    START_TIMEOUT_MS,
  );

  it(
    `gives up after ${TOXIPROXY_START_ATTEMPTS} clashes: an environment failure with the engine's message, and nothing left behind`,
    async () => {
      const engine = (found as { engine: ContainerEngine }).engine;
      const lost: number[] = [];
      const starting = new ContainersEnvironment().withToxiproxyCreatedHook(async (id) => void lost.push(await takeFirstPort(id))).start();
      const error = await starting.then(
        (env) => env.stop().then(() => undefined),
        (e: unknown) => e as Error,
      );
      expect(lost).toHaveLength(TOXIPROXY_START_ATTEMPTS);
      expect(error?.name).toBe("EnvironmentFailureError");
      expect(error?.message).toMatch(
        new RegExp(`^environment failure: the containers environment could not start: .*${lost.at(-1)}.*(address already in use|port is already allocated)`),
      );
      expect(await listLabelledContainers(engine, `${OWNER_LABEL}=${hostname()}:${process.pid}`)).toEqual([]);
    },
    START_TIMEOUT_MS,
  );
});
