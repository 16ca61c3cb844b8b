import pg from "pg";
import { Wait } from "testcontainers";
import { waitFor } from "../core/index.ts";
import { NetworkOnlyContainer } from "./network-only-container.ts";
import { CONTAINER_READY_TIMEOUT_MS, type ServiceContainer } from "./service-container.ts";

export const POSTGRES_PORT = 5432;
export const MINIO_PORT = 9000;
/** MinIO's console, on the container's network only (nothing here uses it). */
export const MINIO_CONSOLE_PORT = 9001;
export const SERVICE_STARTUP_TIMEOUT_MS = 120_000;
/** What the official image (and the local one) logs when a server accepts connections. */
export const POSTGRES_READY_LINE = /database system is ready to accept connections/;

/** Settings for a throwaway server, as the embedded environment's: durability off, a small connection table. */
export const DEFAULT_POSTGRES_SETTINGS: Readonly<Record<string, string>> = {
  fsync: "off",
  full_page_writes: "off",
  shared_buffers: "64MB",
  max_connections: "60",
};

/** Credentials the environment makes up for its own containers (never logged). */
export interface ServiceCredentials {
  user: string;
  password: string;
}

/**
 * Postgres with the official image's interface (POSTGRES_DB/USER/PASSWORD,
 * as @testcontainers/postgresql sets them), on the environment's network
 * only (see {@link NetworkOnlyContainer}). Readiness is the official image's
 * log line, the second time (the first comes from the temporary server that
 * initialises the data directory), instead of a Docker health check: Podman
 * runs health checks only under systemd, and exec-based checks leave a
 * Podman conmon process behind per attempt for minutes. The health check
 * stays declared (without the password in it) for `docker ps`.
 */
export function postgresContainer(image: string, database: string, credentials: ServiceCredentials, settings: Record<string, string>): NetworkOnlyContainer {
  const command = ["postgres", ...Object.entries(settings).flatMap(([name, value]) => ["-c", `${name}=${value}`])];
  const isReady = `pg_isready --host 127.0.0.1 --port ${POSTGRES_PORT} --username ${shellQuote(credentials.user)} --dbname ${shellQuote(database)}`;
  return new NetworkOnlyContainer(image)
    .withEnvironment({ POSTGRES_DB: database, POSTGRES_USER: credentials.user, POSTGRES_PASSWORD: credentials.password })
    .withCommand(command)
    .withHealthCheck({ test: ["CMD-SHELL", isReady], interval: 1_000, timeout: 1_000, retries: 120 })
    .withWaitStrategy(Wait.forLogMessage(POSTGRES_READY_LINE, 2))
    .withStartupTimeout(SERVICE_STARTUP_TIMEOUT_MS);
}

/** Where the S3 container keeps its buckets (the last argument of `server`). */
export const MINIO_DATA_DIRECTORY = "/data";

/** What MinIO (and the local image) logs once its API listens. */
export const MINIO_API_LINE = /^API: /;

/**
 * S3 with MinIO's interface (MINIO_ROOT_USER/PASSWORD, `server … /data`, as
 * @testcontainers/minio starts it), on the environment's network only. Its
 * wait is MinIO's "API: …" log line instead of an HTTP check on a host port;
 * the environment checks /minio/health/live through Toxiproxy once its
 * proxies exist ({@link minioReady}).
 */
export function minioContainer(image: string, credentials: ServiceCredentials): NetworkOnlyContainer {
  return new NetworkOnlyContainer(image)
    .withEnvironment({ MINIO_ROOT_USER: credentials.user, MINIO_ROOT_PASSWORD: credentials.password })
    .withCommand(["server", "--console-address", `:${MINIO_CONSOLE_PORT}`, MINIO_DATA_DIRECTORY])
    .withWaitStrategy(Wait.forLogMessage(MINIO_API_LINE))
    .withStartupTimeout(SERVICE_STARTUP_TIMEOUT_MS);
}

/** Resolves once Postgres in `container` answers `SELECT 1` at `url` (the environment's direct path to it). */
export function postgresReady(url: () => string): (container: ServiceContainer) => Promise<void> {
  return async (container) => {
    await waitFor(() => selectOne(url()), {
      description: `postgres in container ${container.shortId} to answer`,
      timeoutMs: CONTAINER_READY_TIMEOUT_MS,
      intervalMs: 100,
    });
  };
}

/** Resolves once MinIO's liveness path answers 200 at `endpoint` (the environment's direct path to it). */
export function minioReady(endpoint: () => string): (container: ServiceContainer) => Promise<void> {
  return async (container) => {
    const url = `${endpoint()}/minio/health/live`;
    await waitFor(async () => (await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok, {
      description: `S3 in container ${container.shortId} to answer ${new URL(url).pathname}`,
      timeoutMs: CONTAINER_READY_TIMEOUT_MS,
      intervalMs: 100,
    });
  };
}

async function selectOne(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000, query_timeout: 2_000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
