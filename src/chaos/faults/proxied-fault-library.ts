import {
  type ServiceName,
  removeAll,
  type FaultHandle,
  type FaultLibrary,
  type DownOptions,
  type PauseOptions,
  type S3FaultSpec,
  type ConnectionExhaustionOptions,
  type CpuPressureOptions,
  type MemoryPressureOptions,
} from "../core/index.ts";
import type { PostgresRuleSpec } from "../postgres-proxy/index.ts";
import type { ToxiproxyApi, ToxicSpec } from "../toxiproxy/index.ts";
import type { ProxyAddress } from "./network/connection-probe.ts";
import { injectToxic, partition } from "./network/network-faults.ts";
import { injectPostgresRule, type PostgresRuleTarget } from "./postgres/index.ts";
import {
  cpuPressure,
  exhaustPostgresConnections,
  holdTableLock,
  memoryPressure,
  slowQueries,
  type SlowQueriesOptions,
  type TableLockOptions,
} from "./resource/index.ts";
import type { S3FaultHandle } from "./s3/index.ts";

/** What an environment whose traffic goes through Toxiproxy and an S3 fault layer exposes to its faults. */
export interface ProxiedFaultSurface {
  /** The Toxiproxy in front of each service, the proxy name per service, and where this machine reaches that proxy (to prove a partition). */
  readonly network: { readonly api: ToxiproxyApi; proxyName(service: ServiceName): string; address(service: ServiceName): ProxyAddress };
  /** The HTTP fault layer in front of S3. */
  readonly s3Faults: { inject(spec: S3FaultSpec): S3FaultHandle | Promise<S3FaultHandle> };
  /** The Postgres protocol proxy in the pipeline's Postgres path. */
  readonly postgresFaults: PostgresRuleTarget;
  /** The pipeline's database over a direct connection (no proxy), for resource faults that hold connections or locks in it and for checking lost acknowledgements. */
  readonly databaseUrl: string;
}

/**
 * The faults every Toxiproxy-fronted environment injects the same way —
 * toxics, partitions, S3 faults, connection/lock/CPU/memory pressure — plus
 * the record of every fault injected, removed all at once by
 * {@link ProxiedFaultLibrary.removeAll}. Subclasses say how a service's
 * process is killed, stopped and paused.
 */
export abstract class ProxiedFaultLibrary implements FaultLibrary {
  private readonly handles: FaultHandle[] = [];

  constructor(private readonly surface: ProxiedFaultSurface) {}

  abstract kill(target: ServiceName, options?: DownOptions): Promise<FaultHandle>;
  abstract stop(target: ServiceName, options?: DownOptions): Promise<FaultHandle>;
  abstract pause(target: ServiceName, options?: PauseOptions): Promise<FaultHandle>;

  /** Every fault injected so far, in order, removed or not. */
  get injected(): readonly FaultHandle[] {
    return this.handles;
  }

  /** A Toxiproxy toxic on the traffic between the pipeline and `service`. */
  toxic(service: ServiceName, spec: ToxicSpec): Promise<FaultHandle> {
    return this.track(injectToxic(this.surface.network.api, this.surface.network.proxyName(service), spec));
  }

  /** Cuts the network between the pipeline and `service`. */
  partition(service: ServiceName): Promise<FaultHandle> {
    const { network } = this.surface;
    return this.track(Promise.resolve().then(() => partition(network.api, network.proxyName(service), network.address(service))));
  }

  /**
   * An S3-level fault between the pipeline and the S3 server: errors (e.g. 503 SlowDown), latency, hangs, truncated or
   * corrupted bodies. Here the S3 fault proxy applies it, so the handle's observations are typed (each faulted request
   * with its occurrence); the core contract promises only a FaultHandle, as a cluster injects S3 faults as Chaos Mesh objects.
   */
  s3(spec: S3FaultSpec): Promise<S3FaultHandle> {
    return this.track(Promise.resolve().then(() => this.surface.s3Faults.inject(spec)));
  }

  /** A Postgres protocol fault on the pipeline's connections (see {@link FaultLibrary.postgres}); armed when it returns. */
  postgres(rule: PostgresRuleSpec): Promise<FaultHandle> {
    return this.track(Promise.resolve().then(() => injectPostgresRule(this.surface.postgresFaults, rule, () => this.surface.databaseUrl)));
  }

  /** Holds every free connection slot of the environment's Postgres (leaving `reserve`). */
  exhaustConnections(options: Omit<ConnectionExhaustionOptions, "connectionUri"> = {}): Promise<FaultHandle> {
    return this.track(exhaustPostgresConnections({ ...options, connectionUri: this.surface.databaseUrl }));
  }

  /** Holds a lock on a table the pipeline writes, in the pipeline's database. */
  lockTable(options: Omit<TableLockOptions, "connectionUri">): Promise<FaultHandle> {
    return this.track(holdTableLock({ ...options, connectionUri: this.surface.databaseUrl }));
  }

  /** Keeps Postgres busy with CPU-heavy queries so everyone else's are slow. */
  slowQueries(options: Omit<SlowQueriesOptions, "connectionUri">): Promise<FaultHandle> {
    return this.track(slowQueries({ ...options, connectionUri: this.surface.databaseUrl }));
  }

  /** Busy processes on `workers` cores of this machine (where the pipeline runs). */
  cpuPressure(options: CpuPressureOptions): Promise<FaultHandle> {
    return this.track(cpuPressure(options));
  }

  /** A process on this machine holding `mebibytes` of resident memory. */
  memoryPressure(options: MemoryPressureOptions): Promise<FaultHandle> {
    return this.track(memoryPressure(options));
  }

  /** Removes every fault still in effect; all are attempted even if some fail. */
  removeAll(): Promise<void> {
    return removeAll(this.handles);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.removeAll();
  }

  protected async track<H extends FaultHandle>(injecting: Promise<H>): Promise<H> {
    const handle = await injecting;
    this.handles.push(handle);
    return handle;
  }
}
