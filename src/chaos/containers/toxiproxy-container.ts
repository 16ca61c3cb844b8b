import { GenericContainer, getContainerRuntimeClient, Wait, type StartedTestContainer } from "testcontainers";
import type { ServiceName } from "../core/index.ts";
import { ToxiproxyApi } from "../toxiproxy/index.ts";

/** Toxiproxy's API port, in the official image and in the local one. */
export const TOXIPROXY_API_PORT = 8474;
/** Where each service's proxy for the pipeline listens inside the container (published to the host), from Toxiproxy's customary 8666 on. */
export const TOXIPROXY_PROXY_PORTS: Readonly<Record<ServiceName, number>> = { postgres: 8666, s3: 8667 };
/** Where each service's direct proxy listens: no fault ever touches it; the host's only way to the service. */
export const TOXIPROXY_DIRECT_PORTS: Readonly<Record<ServiceName, number>> = { postgres: 8676, s3: 8677 };
export const TOXIPROXY_STARTUP_TIMEOUT_MS = 60_000;
/** Starts of the Toxiproxy container that may lose a host port to another process before one succeeds. */
export const TOXIPROXY_START_ATTEMPTS = 3;

/** What an engine says when a host port it is to bind is held by another process (Podman; Docker). */
const PORT_CLASH = /address already in use|port is already allocated/i;

/**
 * The Toxiproxy container: the only container of the environment that
 * publishes host ports, and one no fault ever stops, so they stay the same
 * for the whole run. Only its HTTP API is waited for: the official image is
 * `FROM scratch`, with no shell for Testcontainers' port checks. It matches
 * `@testcontainers/toxiproxy`'s container, which is published only for
 * Testcontainers 12 (its undici needs Node >= 22's zstd).
 *
 * The engine picks the host ports (Testcontainers asks for port 0 and reads
 * them back). Podman picks them when it creates the container and binds them
 * only when it starts it; a port taken in between fails the start with
 * "address already in use". Then the container is removed and created again,
 * with new ports, up to {@link TOXIPROXY_START_ATTEMPTS} times, and each
 * clash is kept in {@link portClashes}.
 */
export class ToxiproxyContainer extends GenericContainer {
  /** The engine's message for each start that lost a host port, in order. */
  readonly portClashes: string[] = [];
  private created: string | undefined;

  /** `betweenCreateAndStart` runs after the engine created the container, before it starts it (tests take a port there). */
  constructor(
    image: string,
    private readonly betweenCreateAndStart?: (containerId: string) => Promise<void>,
  ) {
    super(image);
    this.withExposedPorts(TOXIPROXY_API_PORT, ...Object.values(TOXIPROXY_PROXY_PORTS), ...Object.values(TOXIPROXY_DIRECT_PORTS))
      .withWaitStrategy(Wait.forHttp("/version", TOXIPROXY_API_PORT))
      .withStartupTimeout(TOXIPROXY_STARTUP_TIMEOUT_MS);
  }

  override async start(): Promise<StartedTestContainer> {
    for (let attempt = 1; ; attempt++) {
      this.created = undefined;
      try {
        return await super.start();
      } catch (error) {
        if (attempt >= TOXIPROXY_START_ATTEMPTS || !PORT_CLASH.test((error as Error).message) || this.created === undefined) throw error;
        this.portClashes.push((error as Error).message);
        const client = await getContainerRuntimeClient();
        await client.container.getById(this.created).remove({ force: true, v: true });
      }
    }
  }

  protected override async containerCreated(containerId: string): Promise<void> {
    this.created = containerId;
    await this.betweenCreateAndStart?.(containerId);
  }
}

/**
 * The environment's Toxiproxy, with two proxies per service: one the
 * pipeline goes through, named after the service, where network faults act,
 * and a direct one for the host's own checks (results, readiness, databases).
 */
export class ToxiproxyService {
  readonly api: ToxiproxyApi;
  private readonly upstreams = new Map<ServiceName, string>();

  /** `portClashes`: the engine's messages for starts that lost a host port (see {@link ToxiproxyContainer}). */
  constructor(
    readonly container: StartedTestContainer,
    readonly portClashes: readonly string[] = [],
  ) {
    this.api = new ToxiproxyApi(`http://${container.getHost()}:${container.getMappedPort(TOXIPROXY_API_PORT)}`);
  }

  /** Creates both proxies in front of `upstream` ("address:port" on the environment's network). */
  async expose(service: ServiceName, upstream: string): Promise<void> {
    await this.api.createProxy({ name: this.proxyName(service), listen: `0.0.0.0:${TOXIPROXY_PROXY_PORTS[service]}`, upstream });
    await this.api.createProxy({ name: this.directProxyName(service), listen: `0.0.0.0:${TOXIPROXY_DIRECT_PORTS[service]}`, upstream });
    this.upstreams.set(service, upstream);
  }

  /** Points both proxies at a new upstream address (a restarted container may get another one). */
  async retarget(service: ServiceName, upstream: string): Promise<void> {
    if (this.upstreams.get(service) === upstream) return;
    await this.api.updateProxy(this.proxyName(service), { upstream });
    await this.api.updateProxy(this.directProxyName(service), { upstream });
    this.upstreams.set(service, upstream);
  }

  proxyName(service: ServiceName): string {
    return service;
  }

  directProxyName(service: ServiceName): string {
    return `${service}-direct`;
  }

  /** Host and port where the pipeline reaches `service`, through the proxy faults act on. */
  address(service: ServiceName): { host: string; port: number } {
    return { host: this.container.getHost(), port: this.container.getMappedPort(TOXIPROXY_PROXY_PORTS[service]) };
  }

  /** Host and port where the host reaches `service` with no fault in the way. */
  directAddress(service: ServiceName): { host: string; port: number } {
    return { host: this.container.getHost(), port: this.container.getMappedPort(TOXIPROXY_DIRECT_PORTS[service]) };
  }
}
