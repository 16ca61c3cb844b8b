import type { StartedEmbeddedEnvironment } from "../env/index.ts";
import type { ProxiedService } from "../env/network-layer.ts";
import type { ToxicSpec } from "../toxiproxy/index.ts";
import { removeAll, type FaultHandle } from "./fault-handle.ts";
import type { FaultLibrary } from "./fault-library.ts";
import { injectToxic, partition } from "./network/network-faults.ts";
import type { S3FaultSpec } from "./s3/index.ts";
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
} from "./resource/index.ts";
import type { FaultableProcess } from "./process/faultable-process.ts";
import { killProcess, pauseProcess, stopProcess, type DownOptions, type PauseOptions } from "./process/process-faults.ts";

/** Services of an environment that process faults can target. */
export type ProcessTarget = "postgres" | "s3";

/**
 * The one entry point for breaking an environment: every fault it injects is
 * recorded (for journals) and removed by {@link FaultInjector.removeAll} —
 * call it in teardown, or let `await using` do it.
 */
export class FaultInjector implements FaultLibrary {
  private readonly handles: FaultHandle[] = [];

  constructor(readonly env: StartedEmbeddedEnvironment) {}

  /** Every fault injected so far, in order, removed or not. */
  get injected(): readonly FaultHandle[] {
    return this.handles;
  }

  kill(target: ProcessTarget, options?: DownOptions): Promise<FaultHandle> {
    return this.track(killProcess(this.process(target), options));
  }

  stop(target: ProcessTarget, options?: DownOptions): Promise<FaultHandle> {
    return this.track(stopProcess(this.process(target), options));
  }

  pause(target: ProcessTarget, options?: PauseOptions): Promise<FaultHandle> {
    return this.track(pauseProcess(this.process(target), options));
  }

  /** A Toxiproxy toxic on the traffic between the pipeline and `service`. */
  toxic(service: ProxiedService, spec: ToxicSpec): Promise<FaultHandle> {
    return this.track(injectToxic(this.env.network.api, this.env.network.proxyName(service), spec));
  }

  /** Cuts the network between the pipeline and `service`. */
  partition(service: ProxiedService): Promise<FaultHandle> {
    return this.track(partition(this.env.network.api, this.env.network.proxyName(service)));
  }

  /** An S3-level fault between the pipeline and the S3 server: errors (e.g. 503 SlowDown), latency, truncated bodies, a corrupted object. */
  s3(spec: S3FaultSpec): Promise<FaultHandle> {
    return this.track(Promise.resolve().then(() => this.env.s3Faults.inject(spec)));
  }

  /** Holds every free connection slot of the environment's Postgres (leaving `reserve`). */
  exhaustConnections(options: Omit<ConnectionExhaustionOptions, "connectionUri"> = {}): Promise<FaultHandle> {
    return this.track(exhaustPostgresConnections({ ...options, connectionUri: this.env.databaseUrl }));
  }

  /** Holds a lock on a table the pipeline writes, in the pipeline's database. */
  lockTable(options: Omit<TableLockOptions, "connectionUri">): Promise<FaultHandle> {
    return this.track(holdTableLock({ ...options, connectionUri: this.env.databaseUrl }));
  }

  /** Keeps Postgres busy with CPU-heavy queries so everyone else's are slow. */
  slowQueries(options: Omit<SlowQueriesOptions, "connectionUri">): Promise<FaultHandle> {
    return this.track(slowQueries({ ...options, connectionUri: this.env.databaseUrl }));
  }

  /** Busy processes on `workers` cores of this machine. */
  cpuPressure(options: CpuPressureOptions): Promise<FaultHandle> {
    return this.track(cpuPressure(options));
  }

  /** A process holding `mebibytes` of resident memory. */
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

  protected async track(injecting: Promise<FaultHandle>): Promise<FaultHandle> {
    const handle = await injecting;
    this.handles.push(handle);
    return handle;
  }

  private process(target: ProcessTarget): FaultableProcess {
    return target === "postgres" ? this.env.postgres : this.env.s3;
  }
}
