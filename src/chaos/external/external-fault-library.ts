import {
  UnsupportedFaultError,
  type ConnectionExhaustionOptions,
  type DownOptions,
  type FaultHandle,
  type FaultRequest,
  type PauseOptions,
  type ServiceName,
} from "../core/index.ts";
import { ProxiedFaultLibrary, type SlowQueriesOptions, type TableLockOptions } from "../faults/index.ts";
import type { FaultPath } from "./fault-path.ts";

const ENVIRONMENT = "external";
const NOT_OURS = "the suite did not start it and does not own its process; break its network path instead (partition, toxics)";
const SHARED_SERVER = "it would load a server others share; faults on an external stack stay on the pipeline's own connections and database";
const USER_DATABASE =
  "it would lock tables in the database you gave, which is yours; faults on an external stack stay on the pipeline's own connections and database";

/**
 * The fault library of the external environment: network faults, S3 rules
 * and Postgres rules on the pipeline's path (from {@link ProxiedFaultLibrary}),
 * CPU and memory pressure on this machine where the pipeline runs. Faults on
 * the user's services themselves are refused with the reason: their processes
 * (kill, stop, pause), their whole server (every connection slot, CPU-heavy
 * queries) and the database the user gave (table locks).
 */
export class ExternalFaultLibrary extends ProxiedFaultLibrary {
  constructor(path: FaultPath, databaseUrl: string) {
    super({
      network: { api: path.api, proxyName: (service) => path.proxyName(service), address: (service) => path.address(service) },
      s3Faults: path.s3Faults,
      postgresFaults: path.postgresFaults,
      databaseUrl,
    });
  }

  /** Refuses, before anything runs, the faults on the user's services themselves (see the class comment). */
  refusal({ method, args }: FaultRequest): UnsupportedFaultError | undefined {
    const reasons: Record<string, () => UnsupportedFaultError> = {
      kill: () => new UnsupportedFaultError(`kill of ${String(args[0])}`, ENVIRONMENT, NOT_OURS),
      stop: () => new UnsupportedFaultError(`stop of ${String(args[0])}`, ENVIRONMENT, NOT_OURS),
      pause: () => new UnsupportedFaultError(`pause of ${String(args[0])}`, ENVIRONMENT, NOT_OURS),
      exhaustConnections: () => new UnsupportedFaultError("connection exhaustion of postgres", ENVIRONMENT, SHARED_SERVER),
      slowQueries: () => new UnsupportedFaultError("slow queries on postgres", ENVIRONMENT, SHARED_SERVER),
      lockTable: () => new UnsupportedFaultError("a table lock", ENVIRONMENT, USER_DATABASE),
    };
    return Object.hasOwn(reasons, method) ? reasons[method]!() : undefined;
  }

  kill(target: ServiceName, options?: DownOptions): Promise<FaultHandle> {
    return this.refuse("kill", [target, options]);
  }

  stop(target: ServiceName, options?: DownOptions): Promise<FaultHandle> {
    return this.refuse("stop", [target, options]);
  }

  pause(target: ServiceName, options?: PauseOptions): Promise<FaultHandle> {
    return this.refuse("pause", [target, options]);
  }

  override exhaustConnections(options?: Omit<ConnectionExhaustionOptions, "connectionUri">): Promise<FaultHandle> {
    return this.refuse("exhaustConnections", [options]);
  }

  override slowQueries(options: Omit<SlowQueriesOptions, "connectionUri">): Promise<FaultHandle> {
    return this.refuse("slowQueries", [options]);
  }

  override lockTable(options: Omit<TableLockOptions, "connectionUri">): Promise<FaultHandle> {
    return this.refuse("lockTable", [options]);
  }

  private refuse(method: string, args: readonly unknown[]): Promise<FaultHandle> {
    return Promise.reject(this.refusal({ method, args })!);
  }
}
