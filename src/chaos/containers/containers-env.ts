import { randomBytes } from "node:crypto";
import { getContainerRuntimeClient } from "testcontainers";
import { EnvironmentFailureError, onInterrupt } from "../core/index.ts";
import { S3FaultProxy } from "../faults/index.ts";
import { PostgresProxy } from "../postgres-proxy/index.ts";
import { containerEngineAvailable, ContainerEngineUnavailableError, useContainerEngine, type ContainerEngine } from "./container-engine.ts";
import { resolveContainerImages, type ContainerImages } from "./images.ts";
import { environmentLabels, removeOrphanedContainers, removeSession } from "./orphan-containers.ts";
import { ServiceContainer } from "./service-container.ts";
import {
  DEFAULT_POSTGRES_SETTINGS,
  MINIO_PORT,
  minioContainer,
  minioReady,
  POSTGRES_PORT,
  postgresContainer,
  postgresReady,
  type ServiceCredentials,
} from "./service-definitions.ts";
import { StartedContainersEnvironment, type ContainersEnvironmentParts } from "./started-containers-env.ts";
import { ToxiproxyContainer, ToxiproxyService } from "./toxiproxy-container.ts";

/**
 * The chaos environment on a Docker-compatible engine, with Testcontainers:
 * Postgres, S3 (MinIO's interface) and a Toxiproxy container on a network of
 * their own. The pipeline runs on this
 * machine and reaches them so:
 *
 *     Postgres:  pipeline → Postgres protocol proxy (this process) → Toxiproxy container → Postgres container
 *     S3:        pipeline → S3 fault layer (this process) → Toxiproxy container → MinIO container
 *
 * Only the Toxiproxy container publishes host ports; this machine's own
 * checks reach Postgres and MinIO through direct proxies in it, which no
 * fault touches. So a Postgres or MinIO container a fault killed starts again
 * without binding a host port another process may have taken meanwhile, and
 * every URL stays the same across restarts.
 *
 * No container connects back to this machine, so it works wherever the
 * engine's published ports are reachable (local Docker or Podman, Docker
 * Desktop, a remote DOCKER_HOST). The price, against the embedded order
 * (Toxiproxy before the fault layers): toxics act on the hop behind the
 * fault layers, so the pipeline sees their latency and bandwidth as before,
 * but a partition as reset connections rather than refused ones.
 * Images come from `images.ts`.
 *
 *     await using env = await new ContainersEnvironment().start();
 */
export class ContainersEnvironment {
  private database = "scale";
  private bucket = "midi";
  private postgresSettings: Record<string, string> = { ...DEFAULT_POSTGRES_SETTINGS };
  private images: Partial<ContainerImages> = {};
  private engine: ContainerEngine | undefined;
  private betweenToxiproxyCreateAndStart: ((containerId: string) => Promise<void>) | undefined;

  withDatabase(name: string): this {
    this.database = name;
    return this;
  }

  withBucket(name: string): this {
    this.bucket = name;
    return this;
  }

  /** Extra `postgres -c` settings (e.g. `max_connections`). */
  withPostgresSettings(settings: Record<string, string>): this {
    this.postgresSettings = { ...this.postgresSettings, ...settings };
    return this;
  }

  /** Images to use instead of those `images.ts` resolves from the environment variables. */
  withImages(images: Partial<ContainerImages>): this {
    this.images = { ...this.images, ...images };
    return this;
  }

  /** The engine to use; by default {@link containerEngineAvailable} finds one. */
  withEngine(engine: ContainerEngine): this {
    this.engine = engine;
    return this;
  }

  /** Runs between the engine creating the Toxiproxy container and starting it (tests take one of its host ports there). */
  withToxiproxyCreatedHook(hook: (containerId: string) => Promise<void>): this {
    this.betweenToxiproxyCreateAndStart = hook;
    return this;
  }

  /**
   * Starts every container and proxy. Anything the engine refuses on the way
   * is an {@link EnvironmentFailureError} with the engine's message; what was
   * started so far is removed.
   */
  async start(): Promise<StartedContainersEnvironment> {
    const engine = this.engine ?? (await findEngine());
    useContainerEngine(engine);
    const images = { ...resolveContainerImages(), ...this.images };
    await removeOrphanedContainers().catch(() => 0);
    const session = randomBytes(4).toString("hex");
    // Until the started environment takes over, Ctrl-C or a failure removes whatever this session created so far.
    const cleanUp = () => removeSession(session).then(() => undefined);
    const unregister = onInterrupt(cleanUp);
    let parts: ContainersEnvironmentParts;
    try {
      parts = await this.startParts(engine, images, session);
    } catch (error) {
      await cleanUp().catch(() => undefined);
      throw new EnvironmentFailureError("the containers environment could not start", error);
    } finally {
      unregister();
    }
    const env = new StartedContainersEnvironment(parts);
    try {
      await env.seed([]);
    } catch (error) {
      await env.stop().catch(() => undefined);
      throw error;
    }
    return env;
  }

  private async startParts(engine: ContainerEngine, images: ContainerImages, session: string): Promise<ContainersEnvironmentParts> {
    const labels = environmentLabels(session);
    const client = await getContainerRuntimeClient();
    const networkName = `chaos-control-${session}`;
    const network = await client.network.create({ Name: networkName, Driver: "bridge", Labels: labels });
    const postgresCredentials: ServiceCredentials = { user: "chaos", password: randomBytes(18).toString("base64url") };
    const minioCredentials: ServiceCredentials = { user: `chaos-${session}`, password: randomBytes(18).toString("base64url") };
    const toxiproxyContainer = new ToxiproxyContainer(images.toxiproxy, this.betweenToxiproxyCreateAndStart);
    const [postgresId, minioId, toxiproxyStarted] = await settleAll([
      postgresContainer(images.postgres, this.database, postgresCredentials, this.postgresSettings).withLabels(labels).startOnNetwork(networkName),
      minioContainer(images.minio, minioCredentials).withLabels(labels).startOnNetwork(networkName),
      toxiproxyContainer.withNetworkMode(networkName).withLabels(labels).start(),
    ]);
    const toxiproxy = new ToxiproxyService(toxiproxyStarted, toxiproxyContainer.portClashes);
    const direct = (service: "postgres" | "s3") => toxiproxy.directAddress(service);
    const postgresUrl = (database = "postgres") =>
      `postgres://${postgresCredentials.user}:${encodeURIComponent(postgresCredentials.password)}@${hostForUrl(direct("postgres").host)}:${direct("postgres").port}/${encodeURIComponent(database)}`;
    const directS3Endpoint = () => `http://${hostForUrl(direct("s3").host)}:${direct("s3").port}`;
    const [postgres, minio] = await Promise.all([
      ServiceContainer.wrap(
        "postgres",
        postgresId,
        networkName,
        postgresReady(() => postgresUrl()),
      ),
      ServiceContainer.wrap("s3", minioId, networkName, minioReady(directS3Endpoint)),
    ]);
    await toxiproxy.expose("postgres", `${postgres.ipAddress}:${POSTGRES_PORT}`);
    await toxiproxy.expose("s3", `${minio.ipAddress}:${MINIO_PORT}`);
    postgres.onRestarted = (container) => toxiproxy.retarget("postgres", `${container.ipAddress}:${POSTGRES_PORT}`);
    minio.onRestarted = (container) => toxiproxy.retarget("s3", `${container.ipAddress}:${MINIO_PORT}`);
    await Promise.all([postgres.untilServing(), minio.untilServing()]);
    const s3Proxy = toxiproxy.address("s3");
    const s3Faults = await S3FaultProxy.start({ upstream: `http://${hostForUrl(s3Proxy.host)}:${s3Proxy.port}` });
    const postgresFaults = await PostgresProxy.start({ upstream: toxiproxy.address("postgres") }).catch(async (error: unknown) => {
      await s3Faults.stop();
      throw error;
    });
    return {
      engine,
      images,
      network,
      postgres,
      minio,
      toxiproxy,
      s3Faults,
      postgresFaults,
      postgresUrl,
      directS3Endpoint,
      minioCredentials,
      database: this.database,
      bucket: this.bucket,
    };
  }
}

async function findEngine(): Promise<ContainerEngine> {
  const found = await containerEngineAvailable();
  if (!found.available) throw new ContainerEngineUnavailableError(found.reason);
  return found.engine;
}

/** Waits for every start to end, so nothing is still starting when a failure cleans up; throws the first failure. */
async function settleAll<T extends readonly unknown[]>(starting: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(starting);
  const failure = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failure) throw failure.reason;
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

function hostForUrl(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}
