import type { ServiceName } from "../core/index.ts";
import { S3FaultProxy } from "../faults/index.ts";
import { PostgresProxy } from "../postgres-proxy/index.ts";
import type { ToxiproxyApi } from "../toxiproxy/index.ts";
import type { HostPort } from "./external-config.ts";

/**
 * How the pipeline reaches the user's services, and what faults act on: a
 * Toxiproxy (network faults), the S3 fault layer and the Postgres protocol
 * proxy. Implemented by {@link LocalFaultPath} (everything started on this
 * machine) and {@link UserToxiproxyFaultPath} (the user's Toxiproxy).
 */
export interface FaultPath extends AsyncDisposable {
  /** The Toxiproxy whose proxies carry the pipeline's traffic. */
  readonly api: ToxiproxyApi;
  readonly s3Faults: S3FaultProxy;
  readonly postgresFaults: PostgresProxy;
  /** The Toxiproxy proxy in front of `service`. */
  proxyName(service: ServiceName): string;
  /** Where this machine reaches that proxy (to prove a partition took effect). */
  address(service: ServiceName): HostPort;
  /** Where the pipeline connects to reach Postgres through every fault layer. */
  readonly pipelinePostgres: HostPort;
  /** The S3 endpoint the pipeline uses, through every fault layer. */
  readonly pipelineS3Endpoint: string;
  /** Stops what this path started on this machine and leaves the user's Toxiproxy as it was found. Idempotent. */
  stop(): Promise<void>;
}

/** The fault layers this machine runs in front of `postgres` and `s3`; stopped again when the second fails to start. */
export async function startFaultLayers(postgres: HostPort, s3Endpoint: string): Promise<{ s3Faults: S3FaultProxy; postgresFaults: PostgresProxy }> {
  const s3Faults = await S3FaultProxy.start({ upstream: s3Endpoint });
  const postgresFaults = await PostgresProxy.start({ upstream: postgres }).catch(async (error: unknown) => {
    await s3Faults.stop();
    throw error;
  });
  return { s3Faults, postgresFaults };
}

/** `host:port` as Toxiproxy's `listen` and `upstream` fields spell it. */
export function joinHostPort({ host, port }: HostPort): string {
  return `${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** The port of a `host:port` Toxiproxy reports. */
export function portOfListen(listen: string): number {
  return Number(listen.slice(listen.lastIndexOf(":") + 1));
}
