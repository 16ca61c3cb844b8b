import type { ServiceName } from "./chaos-environment.ts";
import type { PostgresRuleSpec } from "../postgres-proxy/index.ts";
import type { ToxicSpec } from "../toxiproxy/index.ts";
import type { FaultHandle } from "./fault-handle.ts";
import type { ConnectionExhaustionOptions, CpuPressureOptions, DownOptions, MemoryPressureOptions, PauseOptions } from "./fault-options.ts";
import type { S3FaultSpec } from "./s3-fault-spec.ts";

/**
 * The faults a scenario asks for, by intent. Each environment maps them onto
 * what it has: signals to local processes, container stop/kill/pause, or
 * Chaos Mesh objects on a cluster. A fault an environment cannot produce
 * throws {@link UnsupportedFaultError}, which scenarios turn into a skip with
 * its reason.
 */
export interface FaultLibrary extends AsyncDisposable {
  /** Every fault injected so far, in order, removed or not. */
  readonly injected: readonly FaultHandle[];
  /** kill -9 of the service (restarted when the fault is removed, unless told otherwise). */
  kill(target: ServiceName, options?: DownOptions): Promise<FaultHandle>;
  /** Orderly shutdown of the service (started again on removal). */
  stop(target: ServiceName, options?: DownOptions): Promise<FaultHandle>;
  /** Freezes the service (SIGSTOP / container pause) until removal. */
  pause(target: ServiceName, options?: PauseOptions): Promise<FaultHandle>;
  /** A Toxiproxy toxic on the traffic between the pipeline and the service. */
  toxic(service: ServiceName, spec: ToxicSpec): Promise<FaultHandle>;
  /** Cuts the network between the pipeline and the service. */
  partition(service: ServiceName): Promise<FaultHandle>;
  /**
   * S3-level faults: error responses, latency, hangs, truncated or corrupted bodies; every request of a match or only
   * the Nth (`occurrence`). Toxiproxy-fronted libraries return the S3 fault proxy's typed handle (each faulted request
   * with its occurrence); on a cluster the fault is a Chaos Mesh object with the observations of one.
   */
  s3(spec: S3FaultSpec): Promise<FaultHandle>;
  /**
   * Postgres protocol faults on the pipeline's connections: an ErrorResponse
   * of a chosen SQLSTATE, a lost COMMIT acknowledgement, a COPY cut mid-stream,
   * a held or reset statement, on the statements the rule matches.
   */
  postgres(rule: PostgresRuleSpec): Promise<FaultHandle>;
  /** Holds every free Postgres connection slot. */
  exhaustConnections(options?: Omit<ConnectionExhaustionOptions, "connectionUri">): Promise<FaultHandle>;
  /** Busy processes competing for CPU with the pipeline. */
  cpuPressure(options: CpuPressureOptions): Promise<FaultHandle>;
  /** A process holding resident memory. */
  memoryPressure(options: MemoryPressureOptions): Promise<FaultHandle>;
  /** Removes every fault still in effect; all are attempted even if some fail. */
  removeAll(): Promise<void>;
  /**
   * The refusal this library gives `request` whatever the moment and the state of the stack, or undefined. Asked
   * before anything runs, so an experiment whose method needs a fault the environment cannot produce stops before
   * its fault-free baseline run. A library without it is asked nothing; its refusals come when the fault is due.
   */
  refusal?(request: FaultRequest): UnsupportedFaultError | undefined;
}

/** A call of one of a {@link FaultLibrary}'s fault methods: the method's name and its arguments. */
export interface FaultRequest {
  readonly method: string;
  readonly args: readonly unknown[];
}

/** A fault this environment cannot produce (e.g. SIGSTOP on a managed database); scenarios skip with its message. */
export class UnsupportedFaultError extends Error {
  constructor(
    readonly fault: string,
    readonly environment: string,
    reason: string,
  ) {
    super(`${fault} is not available on the ${environment} environment: ${reason}`);
    this.name = "UnsupportedFaultError";
  }
}
