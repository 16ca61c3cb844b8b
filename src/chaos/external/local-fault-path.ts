import type { ServiceName } from "../core/index.ts";
import type { S3FaultProxy } from "../faults/index.ts";
import type { PostgresProxy } from "../postgres-proxy/index.ts";
import { startToxiproxyServer, type StartedToxiproxyServer, type ToxiproxyApi } from "../toxiproxy/index.ts";
import type { ExternalConfig, HostPort } from "./external-config.ts";
import { joinHostPort, portOfListen, startFaultLayers, type FaultPath } from "./fault-path.ts";

const LOOPBACK = "127.0.0.1";

/**
 * The project's own proxies on this machine, in front of the user's services,
 * in the embedded environment's order:
 *
 *     Postgres:  pipeline → Toxiproxy (this process) → Postgres protocol proxy → the user's Postgres
 *     S3:        pipeline → Toxiproxy (this process) → S3 fault layer → the user's S3
 *
 * Nothing is created on the user's side: stopping closes the proxies and every
 * connection through them.
 */
export class LocalFaultPath implements FaultPath {
  readonly api: ToxiproxyApi;
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly server: StartedToxiproxyServer,
    readonly s3Faults: S3FaultProxy,
    readonly postgresFaults: PostgresProxy,
    private readonly ports: Readonly<Record<ServiceName, number>>,
  ) {
    this.api = server.api();
  }

  static async start(config: Pick<ExternalConfig, "postgres" | "s3">): Promise<LocalFaultPath> {
    const { s3Faults, postgresFaults } = await startFaultLayers(config.postgres, config.s3.endpoint);
    let server: StartedToxiproxyServer | undefined;
    try {
      server = await startToxiproxyServer({ host: LOOPBACK, port: 0 });
      const api = server.api();
      const expose = async (service: ServiceName, upstream: HostPort) =>
        portOfListen((await api.createProxy({ name: service, listen: `${LOOPBACK}:0`, upstream: joinHostPort(upstream) })).listen);
      const ports = {
        postgres: await expose("postgres", { host: postgresFaults.host, port: postgresFaults.port }),
        s3: await expose("s3", { host: LOOPBACK, port: Number(new URL(s3Faults.endpoint).port) }),
      };
      return new LocalFaultPath(server, s3Faults, postgresFaults, ports);
    } catch (error) {
      await Promise.allSettled([server?.stop(), s3Faults.stop(), postgresFaults.stop()]);
      throw error;
    }
  }

  proxyName(service: ServiceName): string {
    return service;
  }

  address(service: ServiceName): HostPort {
    return { host: LOOPBACK, port: this.ports[service] };
  }

  get pipelinePostgres(): HostPort {
    return this.address("postgres");
  }

  get pipelineS3Endpoint(): string {
    return `http://${LOOPBACK}:${this.ports.s3}`;
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await Promise.allSettled([this.server.stop(), this.s3Faults.stop(), this.postgresFaults.stop()]);
    })();
    return this.stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
