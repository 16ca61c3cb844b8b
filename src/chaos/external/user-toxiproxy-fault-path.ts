import type { ServiceName } from "../core/index.ts";
import type { S3FaultProxy } from "../faults/index.ts";
import type { PostgresProxy } from "../postgres-proxy/index.ts";
import { ToxiproxyApi, ToxiproxyApiError, type ProxyState } from "../toxiproxy/index.ts";
import { EXTERNAL_VARIABLES, ExternalConfigError, type ExternalConfig, type ExternalToxiproxy, type HostPort } from "./external-config.ts";
import { joinHostPort, portOfListen, startFaultLayers, type FaultPath } from "./fault-path.ts";

const PROXY_VARIABLES: Readonly<Record<ServiceName, string>> = {
  postgres: EXTERNAL_VARIABLES.toxiproxyPostgresProxy,
  s3: EXTERNAL_VARIABLES.toxiproxyS3Proxy,
};

/** A proxy on the user's Toxiproxy is not fit for an experiment (missing, down, or already toxic); the message names the variable. */
export class ExternalToxiproxyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ExternalToxiproxyError";
  }
}

/**
 * The user's own Toxiproxy, with proxies of theirs in front of their
 * services. The fault layers run on this machine in front of those proxies,
 * as on the containers environment:
 *
 *     Postgres:  pipeline → Postgres protocol proxy (this process) → the user's Toxiproxy → the user's Postgres
 *     S3:        pipeline → S3 fault layer (this process) → the user's Toxiproxy → the user's S3
 *
 * The proxies are taken as found (enabled, no toxics, or the start is
 * refused) and left so: stopping enables a proxy a partition left down and
 * removes any toxic added since the start.
 */
export class UserToxiproxyFaultPath implements FaultPath {
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly api: ToxiproxyApi,
    private readonly toxiproxy: ExternalToxiproxy,
    private readonly addresses: Readonly<Record<ServiceName, HostPort>>,
    readonly s3Faults: S3FaultProxy,
    readonly postgresFaults: PostgresProxy,
  ) {}

  static async start(config: Pick<ExternalConfig, "toxiproxy">): Promise<UserToxiproxyFaultPath> {
    const toxiproxy = config.toxiproxy;
    if (!toxiproxy) throw new ExternalConfigError(EXTERNAL_VARIABLES.toxiproxyUrl, "is required for the user's Toxiproxy");
    const api = new ToxiproxyApi(toxiproxy.url);
    const [postgres, s3] = [await foundProxy(api, toxiproxy, "postgres"), await foundProxy(api, toxiproxy, "s3")];
    const addresses = { postgres: reachable(postgres.listen, toxiproxy.api), s3: reachable(s3.listen, toxiproxy.api) };
    const { s3Faults, postgresFaults } = await startFaultLayers(addresses.postgres, `http://${joinHostPort(addresses.s3)}`);
    return new UserToxiproxyFaultPath(api, toxiproxy, addresses, s3Faults, postgresFaults);
  }

  proxyName(service: ServiceName): string {
    return this.toxiproxy.proxies[service];
  }

  address(service: ServiceName): HostPort {
    return this.addresses[service];
  }

  get pipelinePostgres(): HostPort {
    return { host: this.postgresFaults.host, port: this.postgresFaults.port };
  }

  get pipelineS3Endpoint(): string {
    return this.s3Faults.endpoint;
  }

  /** Stops the fault layers, then puts each proxy back as found: enabled, without toxics. Every step is attempted. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await Promise.allSettled([this.s3Faults.stop(), this.postgresFaults.stop()]);
      const results = await Promise.allSettled((["postgres", "s3"] as const).map((service) => this.restore(this.proxyName(service))));
      const failures = results.flatMap((result) => (result.status === "rejected" ? [result.reason] : []));
      if (failures.length > 0) throw new AggregateError(failures, `could not put the proxies of the Toxiproxy at ${this.toxiproxy.url} back as found`);
    })();
    return this.stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  private async restore(name: string): Promise<void> {
    const state = await this.api.getProxy(name);
    // Found with no toxics (or refused): any toxic now is one of this run's whose removal did not happen.
    for (const toxic of state.toxics) await this.api.removeToxic(name, toxic.name);
    if (!state.enabled) await this.api.updateProxy(name, { enabled: true });
  }
}

async function foundProxy(api: ToxiproxyApi, toxiproxy: ExternalToxiproxy, service: ServiceName): Promise<ProxyState> {
  const name = toxiproxy.proxies[service];
  const variable = PROXY_VARIABLES[service];
  let state: ProxyState;
  try {
    state = await api.getProxy(name);
  } catch (error) {
    if (error instanceof ToxiproxyApiError && error.status === 404) {
      throw new ExternalToxiproxyError(`${variable}: the Toxiproxy at ${toxiproxy.url} has no proxy named ${JSON.stringify(name)}`, { cause: error });
    }
    throw new ExternalToxiproxyError(`could not read proxy ${JSON.stringify(name)} (${variable}) from the Toxiproxy at ${toxiproxy.url}`, { cause: error });
  }
  if (!state.enabled) throw new ExternalToxiproxyError(`${variable}: proxy ${JSON.stringify(name)} is disabled; enable it before an experiment`);
  if (state.toxics.length > 0) {
    const names = state.toxics.map((toxic) => toxic.name).join(", ");
    throw new ExternalToxiproxyError(
      `${variable}: proxy ${JSON.stringify(name)} already has toxics (${names}); remove them, so the experiment starts from a healthy path`,
    );
  }
  return state;
}

/** Where this machine reaches a proxy listening on `listen`: a wildcard address means the Toxiproxy's own host. */
function reachable(listen: string, api: HostPort): HostPort {
  const host = listen.slice(0, listen.lastIndexOf(":")).replace(/^\[(.*)\]$/, "$1");
  const wildcard = host === "" || host === "0.0.0.0" || host === "::";
  return { host: wildcard ? api.host : host, port: portOfListen(listen) };
}
