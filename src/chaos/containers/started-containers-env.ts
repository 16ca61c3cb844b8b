import type { S3Client } from "@aws-sdk/client-s3";
import pg from "pg";
import { getContainerRuntimeClient, type ContainerRuntimeClient } from "testcontainers";
import { createS3Client, type PipelineConfigInput, type S3SourceConfig } from "../../pipeline/index.ts";
import { seedBucket, DependencyPinger, launchLocalPipeline, pipelineDatabaseName, SeededBucketCache } from "../env-kit/index.ts";
import {
  type ChaosEnvironment,
  type PipelineDatabase,
  type ServiceName,
  onInterrupt,
  type PipelineLaunchRequest,
  type PipelineProcess,
  type FaultLibrary,
  type SeedObject,
  EnvironmentFailureError,
} from "../core/index.ts";
import type { S3FaultProxy } from "../faults/index.ts";
import type { PostgresProxy } from "../postgres-proxy/index.ts";
import { ContainerFaultLibrary } from "./container-fault-library.ts";
import { displayHost, type ContainerEngine } from "./container-engine.ts";
import { LOCAL_IMAGES, type ContainerImages } from "./images.ts";
import { S3rverContainerBucket } from "./s3rver-container-bucket.ts";
import type { ServiceContainer } from "./service-container.ts";
import { MINIO_DATA_DIRECTORY, type ServiceCredentials } from "./service-definitions.ts";
import type { ToxiproxyService } from "./toxiproxy-container.ts";

type EngineNetwork = Awaited<ReturnType<ContainerRuntimeClient["network"]["create"]>>;

/** What {@link ContainersEnvironment.start} hands over to the started environment. */
export interface ContainersEnvironmentParts {
  engine: ContainerEngine;
  images: ContainerImages;
  network: EngineNetwork;
  postgres: ServiceContainer;
  minio: ServiceContainer;
  toxiproxy: ToxiproxyService;
  s3Faults: S3FaultProxy;
  postgresFaults: PostgresProxy;
  /** Connection string of `database` through Toxiproxy's direct proxy, which no fault touches (contains the password). */
  postgresUrl: (database?: string) => string;
  /** The S3 container's endpoint through Toxiproxy's direct proxy. */
  directS3Endpoint: () => string;
  minioCredentials: ServiceCredentials;
  database: string;
  bucket: string;
}

/** The containers environment, started: every container and proxy goes away with {@link stop}. */
export class StartedContainersEnvironment implements ChaosEnvironment {
  readonly kind = "containers";
  readonly target: string;
  /** Every fault lands in containers this environment started, or in processes on this machine. */
  readonly isLocal = true;
  readonly engine: ContainerEngine;
  readonly images: ContainerImages;
  readonly postgres: ServiceContainer;
  /** The S3 container (MinIO, or an image with its interface). */
  readonly minio: ServiceContainer;
  /** The Toxiproxy container every pipeline connection goes through. */
  readonly toxiproxy: ToxiproxyService;
  /** The HTTP fault layer in this process, in front of the Toxiproxy's S3 proxy. */
  readonly s3Faults: S3FaultProxy;
  /** The Postgres protocol proxy in this process, in front of the Toxiproxy's Postgres proxy: every pipeline connection goes through it. */
  readonly postgresFaults: PostgresProxy;
  readonly database: string;
  readonly bucket: string;
  private readonly parts: ContainersEnvironmentParts;
  private readonly unregister: () => void;
  private stopping: Promise<void> | undefined;
  private client: { endpoint: string; s3: S3Client } | undefined;
  private pinger: DependencyPinger | undefined;
  private readonly seededBuckets = SeededBucketCache.fromEnvironment();

  constructor(parts: ContainersEnvironmentParts) {
    this.parts = parts;
    this.engine = parts.engine;
    this.images = parts.images;
    this.postgres = parts.postgres;
    this.minio = parts.minio;
    this.toxiproxy = parts.toxiproxy;
    this.s3Faults = parts.s3Faults;
    this.postgresFaults = parts.postgresFaults;
    this.database = parts.database;
    this.bucket = parts.bucket;
    this.target = `containers (${parts.engine.description} at ${displayHost(parts.engine.dockerHost)})`;
    this.unregister = onInterrupt(() => this.stop());
  }

  /** Direct connection string of the environment's database, for checking results (contains the password: never log it); the same across restarts. */
  get databaseUrl(): string {
    return this.parts.postgresUrl(this.database);
  }

  /** The engine's messages for starts of the Toxiproxy container that lost a host port to another process (then it was created again). */
  get hostPortClashes(): readonly string[] {
    return this.toxiproxy.portClashes;
  }

  /** Connection string of `database` through the Postgres protocol proxy and the Toxiproxy container, as the pipeline uses it. */
  proxiedDatabaseUrl(database = this.database): string {
    const url = new URL(this.parts.postgresUrl(database));
    url.hostname = this.postgresFaults.host;
    url.port = String(this.postgresFaults.port);
    return url.toString();
  }

  /** The S3 container's endpoint, bypassing every fault layer (through Toxiproxy's direct proxy, which no fault touches). */
  get directS3Endpoint(): string {
    return this.parts.directS3Endpoint();
  }

  /** The containers this environment runs, by role, for journals and checks. */
  containerIds(): Record<"postgres" | "s3" | "toxiproxy", string> {
    return { postgres: this.postgres.id, s3: this.minio.id, toxiproxy: this.toxiproxy.container.getId() };
  }

  /** The container behind `service`, for process faults. */
  service(service: ServiceName): ServiceContainer {
    return service === "postgres" ? this.postgres : this.minio;
  }

  pipelineConfig(prefix = "", options: { database?: string; direct?: boolean } = {}): PipelineConfigInput {
    const database = options.database ?? this.database;
    return {
      databaseUrl: options.direct ? this.parts.postgresUrl(database) : this.proxiedDatabaseUrl(database),
      s3: { ...this.s3Source(options.direct ? this.directS3Endpoint : this.s3Faults.endpoint), prefix },
    };
  }

  /** Creates a database on the direct path; a failure is an {@link EnvironmentFailureError}. */
  async createDatabase(label: string): Promise<PipelineDatabase> {
    const name = pipelineDatabaseName(label);
    const client = new pg.Client({ connectionString: this.parts.postgresUrl() });
    try {
      await client.connect();
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    } catch (error) {
      throw new EnvironmentFailureError(`could not create database ${name}`, error);
    } finally {
      await client.end().catch(() => undefined);
    }
    return { name, url: this.parts.postgresUrl(name) };
  }

  /**
   * Uploads `objects` on the direct path; within a test run, a corpus already
   * uploaded once into the local S3 image is copied in instead (see
   * SeededBucketCache). A failure is an {@link EnvironmentFailureError}.
   */
  seed(objects: Iterable<SeedObject>): Promise<number> {
    const list = [...objects];
    const upload = () => seedBucket(this.s3Client(), this.bucket, list);
    // Only the local image stores buckets in s3rver's format; MinIO's own uploads every time.
    const cache = this.images.minio === LOCAL_IMAGES.minio ? this.seededBuckets : undefined;
    const stored = () => new S3rverContainerBucket(this.minio, this.s3Client(), this.images.minio, MINIO_DATA_DIRECTORY, this.bucket);
    return (cache?.seed(stored(), list, upload) ?? upload()).catch((error: unknown) => {
      throw new EnvironmentFailureError(`could not seed bucket ${this.bucket}`, error);
    });
  }

  launchPipeline(request: PipelineLaunchRequest): Promise<PipelineProcess> {
    return launchLocalPipeline(this.pipelineConfig(request.prefix, { database: request.database }), request);
  }

  createFaults(): FaultLibrary {
    return new ContainerFaultLibrary(this);
  }

  ping(service: ServiceName, timeoutMs: number): Promise<number> {
    this.pinger ??= new DependencyPinger(this.proxiedDatabaseUrl(), this.s3Source(this.s3Faults.endpoint));
    return this.pinger.ping(service, timeoutMs);
  }

  /**
   * An S3 client straight to the S3 container (owned by the environment).
   * One connection per request: through Toxiproxy's direct proxy, a pooled
   * connection MinIO closed when idle still looks open until the proxy passes
   * the close on, and a request sent on it meanwhile ends in "socket hang up".
   */
  s3Client(): S3Client {
    const endpoint = this.directS3Endpoint;
    if (this.client?.endpoint !== endpoint) {
      this.client?.s3.destroy();
      this.client = { endpoint, s3: createS3Client(this.s3Source(endpoint), 30_000, { keepAlive: false }) };
    }
    return this.client.s3;
  }

  /** Removes every container (paused ones too), the network and the fault layer. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.unregister();
      this.client?.s3.destroy();
      this.pinger?.close();
      await this.s3Faults.stop().catch(() => undefined);
      await this.postgresFaults.stop().catch(() => undefined);
      const results = await Promise.allSettled([
        this.postgres.remove(),
        this.minio.remove(),
        this.toxiproxy.container.stop({ timeout: 0, removeVolumes: true }),
      ]);
      const client = await getContainerRuntimeClient();
      const network = await client.network.remove(this.parts.network).then(
        () => undefined,
        (error: unknown) => error,
      );
      const failures = [...results.flatMap((result) => (result.status === "rejected" ? [result.reason] : [])), ...(network ? [network] : [])];
      if (failures.length > 0) throw new AggregateError(failures, `could not stop the containers environment cleanly (${this.target})`);
    })();
    return this.stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  private s3Source(endpoint: string): S3SourceConfig {
    const { user, password } = this.parts.minioCredentials;
    return {
      endpoint,
      region: "us-east-1",
      bucket: this.bucket,
      prefix: "",
      forcePathStyle: true,
      credentials: { accessKeyId: user, secretAccessKey: password },
    };
  }
}
