import { GenericContainer, Wait, type StartedTestContainer } from "testcontainers";
import type { ServiceName } from "../core/index.ts";
import { ToxiproxyApi } from "../toxiproxy/index.ts";

/** Toxiproxy's API port, in the official image and in the local one. */
export const TOXIPROXY_API_PORT = 8474;
/** Where each service's proxy listens inside the container (published to the host), from Toxiproxy's customary 8666 on. */
export const TOXIPROXY_PROXY_PORTS: Readonly<Record<ServiceName, number>> = { postgres: 8666, s3: 8667 };
export const TOXIPROXY_STARTUP_TIMEOUT_MS = 60_000;

/**
 * A Toxiproxy container definition. Only its HTTP API is waited for: the
 * official image is `FROM scratch`, with no shell for Testcontainers'
 * port checks. It matches `@testcontainers/toxiproxy`'s container, which is
 * published only for Testcontainers 12 (its undici needs Node >= 22's zstd).
 */
export function toxiproxyContainer(image: string): GenericContainer {
  return new GenericContainer(image)
    .withExposedPorts(TOXIPROXY_API_PORT, ...Object.values(TOXIPROXY_PROXY_PORTS))
    .withWaitStrategy(Wait.forHttp("/version", TOXIPROXY_API_PORT))
    .withStartupTimeout(TOXIPROXY_STARTUP_TIMEOUT_MS);
}

/** The environment's Toxiproxy: one proxy per service, named after it, reached by the host on a published port. */
export class ToxiproxyService {
  readonly api: ToxiproxyApi;
  private readonly upstreams = new Map<ServiceName, string>();

  constructor(readonly container: StartedTestContainer) {
    this.api = new ToxiproxyApi(`http://${container.getHost()}:${container.getMappedPort(TOXIPROXY_API_PORT)}`);
  }

  /** Creates the proxy in front of `upstream` ("address:port" on the environment's network). */
  async expose(service: ServiceName, upstream: string): Promise<void> {
    await this.api.createProxy({ name: this.proxyName(service), listen: `0.0.0.0:${TOXIPROXY_PROXY_PORTS[service]}`, upstream });
    this.upstreams.set(service, upstream);
  }

  /** Points the proxy at a new upstream address (a restarted container may get another one). */
  async retarget(service: ServiceName, upstream: string): Promise<void> {
    if (this.upstreams.get(service) === upstream) return;
    await this.api.updateProxy(this.proxyName(service), { upstream });
    this.upstreams.set(service, upstream);
  }

  proxyName(service: ServiceName): string {
    return service;
  }

  /** Host and port where the host reaches the proxy of `service`. */
  address(service: ServiceName): { host: string; port: number } {
    return { host: this.container.getHost(), port: this.container.getMappedPort(TOXIPROXY_PROXY_PORTS[service]) };
  }
}
