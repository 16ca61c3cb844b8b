import type { ServiceName } from "../env/chaos-environment.ts";
import { removeAll, type FaultHandle } from "../faults/fault-handle.ts";
import type { FaultLibrary } from "../faults/fault-library.ts";
import { injectToxic, partition } from "../faults/network/network-faults.ts";
import type { DownOptions, PauseOptions } from "../faults/process/process-faults.ts";
import {
  cpuPressure,
  exhaustPostgresConnections,
  holdTableLock,
  memoryPressure,
  slowQueries,
  type ConnectionExhaustionOptions,
  type CpuPressureOptions,
  type MemoryPressureOptions,
  type SlowQueriesOptions,
  type TableLockOptions,
} from "../faults/resource/index.ts";
import type { S3FaultSpec } from "../faults/s3/index.ts";
import type { ToxicSpec } from "../toxiproxy/index.ts";
import { killContainer, pauseContainer, stopContainer } from "./container-faults.ts";
import type { StartedContainersEnvironment } from "./started-containers-env.ts";

/**
 * The fault library of the containers environment: process faults become
 * container kill/stop/pause (and start on removal), network faults are
 * toxics on the Toxiproxy container, S3 faults go to the HTTP fault layer in
 * front of it, and resource faults run as on the embedded environment (CPU
 * and memory pressure on this machine, where the pipeline runs).
 */
export class ContainerFaultLibrary implements FaultLibrary {
  private readonly handles: FaultHandle[] = [];

  constructor(readonly env: StartedContainersEnvironment) {}

  get injected(): readonly FaultHandle[] {
    return this.handles;
  }

  kill(target: ServiceName, options?: DownOptions): Promise<FaultHandle> {
    return this.track(killContainer(this.env.service(target), options));
  }

  stop(target: ServiceName, options?: DownOptions): Promise<FaultHandle> {
    return this.track(stopContainer(this.env.service(target), options));
  }

  pause(target: ServiceName, options?: PauseOptions): Promise<FaultHandle> {
    return this.track(pauseContainer(this.env.service(target), options));
  }

  toxic(service: ServiceName, spec: ToxicSpec): Promise<FaultHandle> {
    return this.track(injectToxic(this.env.toxiproxy.api, this.env.toxiproxy.proxyName(service), spec));
  }

  partition(service: ServiceName): Promise<FaultHandle> {
    return this.track(partition(this.env.toxiproxy.api, this.env.toxiproxy.proxyName(service)));
  }

  s3(spec: S3FaultSpec): Promise<FaultHandle> {
    return this.track(Promise.resolve().then(() => this.env.s3Faults.inject(spec)));
  }

  exhaustConnections(options: Omit<ConnectionExhaustionOptions, "connectionUri"> = {}): Promise<FaultHandle> {
    return this.track(exhaustPostgresConnections({ ...options, connectionUri: this.env.databaseUrl }));
  }

  /** Holds a lock on a table the pipeline writes, in the environment's database. */
  lockTable(options: Omit<TableLockOptions, "connectionUri">): Promise<FaultHandle> {
    return this.track(holdTableLock({ ...options, connectionUri: this.env.databaseUrl }));
  }

  /** Keeps Postgres busy with CPU-heavy queries so everyone else's are slow. */
  slowQueries(options: Omit<SlowQueriesOptions, "connectionUri">): Promise<FaultHandle> {
    return this.track(slowQueries({ ...options, connectionUri: this.env.databaseUrl }));
  }

  cpuPressure(options: CpuPressureOptions): Promise<FaultHandle> {
    return this.track(cpuPressure(options));
  }

  memoryPressure(options: MemoryPressureOptions): Promise<FaultHandle> {
    return this.track(memoryPressure(options));
  }

  removeAll(): Promise<void> {
    return removeAll(this.handles);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.removeAll();
  }

  private async track(injecting: Promise<FaultHandle>): Promise<FaultHandle> {
    const handle = await injecting;
    this.handles.push(handle);
    return handle;
  }
}
