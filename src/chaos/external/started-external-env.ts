import type { S3Client } from "@aws-sdk/client-s3";
import { createS3Client, type PipelineConfigInput, type S3SourceConfig } from "../../pipeline/index.ts";
import {
  EnvironmentFailureError,
  onInterrupt,
  type ChaosEnvironment,
  type FaultLibrary,
  type PipelineDatabase,
  type PipelineLaunchRequest,
  type PipelineProcess,
  type SeedObject,
  type ServiceName,
} from "../core/index.ts";
import { DependencyPinger, launchLocalPipeline, pipelineDatabaseName, seedBucket } from "../env-kit/index.ts";
import type { ExternalConfig } from "./external-config.ts";
import { ExternalFaultLibrary } from "./external-fault-library.ts";
import type { FaultPath } from "./fault-path.ts";
import { StackFootprint } from "./stack-footprint.ts";

/** Every database the suite creates on the user's Postgres starts with this, so a leftover is recognisably the suite's. */
export const EXTERNAL_DATABASE_PREFIX = "chaos_";

/**
 * The external environment, started: the user's Postgres and S3, reached by
 * the pipeline (a local process) through {@link FaultPath}. {@link stop}
 * stops what runs on this machine and takes away what the suite put into the
 * user's stack (its databases, its objects, a bucket it created), leaving the
 * rest as it was.
 */
export class StartedExternalEnvironment implements ChaosEnvironment {
  readonly kind = "external";
  /** Never local: the services are the user's, not throwaway processes of this test. */
  readonly isLocal = false;
  readonly bucket: string;
  readonly footprint: StackFootprint;
  private readonly unregister: () => void;
  private stopping: Promise<void> | undefined;
  private client: S3Client | undefined;
  private pinger: DependencyPinger | undefined;

  constructor(
    private readonly config: ExternalConfig,
    readonly target: string,
    /** The proxies the pipeline's traffic goes through. */
    readonly path: FaultPath,
  ) {
    this.bucket = config.s3.bucket;
    this.footprint = new StackFootprint(config.databaseUrl, this.bucket);
    this.unregister = onInterrupt(() => this.stop());
  }

  /** Connection string of `database` on the user's Postgres, bypassing every fault layer (contains the password: never log it). */
  directDatabaseUrl(database?: string): string {
    const url = new URL(this.config.databaseUrl);
    if (database !== undefined) url.pathname = `/${encodeURIComponent(database)}`;
    return url.toString();
  }

  /** The same through the fault layers, as the pipeline connects. */
  proxiedDatabaseUrl(database?: string): string {
    const url = new URL(this.directDatabaseUrl(database));
    const { host, port } = this.path.pipelinePostgres;
    url.hostname = host.includes(":") ? `[${host}]` : host;
    url.port = String(port);
    return url.toString();
  }

  pipelineConfig(prefix = "", options: { database?: string; direct?: boolean } = {}): PipelineConfigInput {
    return {
      databaseUrl: options.direct ? this.directDatabaseUrl(options.database) : this.proxiedDatabaseUrl(options.database),
      s3: { ...this.s3Source(options.direct ? this.config.s3.endpoint : this.path.pipelineS3Endpoint), prefix },
    };
  }

  /** Creates a database of the suite's own on the user's Postgres; it is dropped on {@link stop}. */
  async createDatabase(label: string): Promise<PipelineDatabase> {
    const name = pipelineDatabaseName(`${EXTERNAL_DATABASE_PREFIX}${label}`);
    try {
      await this.footprint.createDatabase(name);
    } catch (error) {
      throw new EnvironmentFailureError(`could not create database ${name} on ${this.target}`, error);
    }
    return { name, url: this.directDatabaseUrl(name) };
  }

  /** Uploads `objects` straight to the user's S3; they are deleted on {@link stop}. */
  async seed(objects: Iterable<SeedObject>): Promise<number> {
    const list = [...objects];
    try {
      await this.footprint.beforeSeeding(this.s3Client());
      this.footprint.seeded(list.map((object) => object.key));
      return await seedBucket(this.s3Client(), this.bucket, list);
    } catch (error) {
      throw new EnvironmentFailureError(`could not seed bucket ${this.bucket} on ${this.target}`, error);
    }
  }

  launchPipeline(request: PipelineLaunchRequest): Promise<PipelineProcess> {
    return launchLocalPipeline(this.pipelineConfig(request.prefix, { database: request.database }), request);
  }

  createFaults(): FaultLibrary {
    return new ExternalFaultLibrary(this.path, this.directDatabaseUrl());
  }

  ping(service: ServiceName, timeoutMs: number): Promise<number> {
    this.pinger ??= new DependencyPinger(this.proxiedDatabaseUrl(), this.s3Source(this.path.pipelineS3Endpoint));
    return this.pinger.ping(service, timeoutMs);
  }

  /** An S3 client straight to the user's S3 (owned by the environment). */
  s3Client(): S3Client {
    this.client ??= createS3Client(this.s3Source(this.config.s3.endpoint), 30_000);
    return this.client;
  }

  /** Stops the proxies (putting the user's Toxiproxy back as found), then drops the suite's databases and objects. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.unregister();
      this.pinger?.close();
      const results = await Promise.allSettled([this.path.stop(), this.footprint.clear(this.s3Client())]);
      this.client?.destroy();
      const failures = results.flatMap((result) => (result.status === "rejected" ? [result.reason] : []));
      if (failures.length > 0) throw new AggregateError(failures, `could not stop the external environment cleanly (${this.target})`);
    })();
    return this.stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  private s3Source(endpoint: string): S3SourceConfig {
    const { region, credentials } = this.config.s3;
    return { endpoint, region, bucket: this.bucket, prefix: "", forcePathStyle: true, credentials: { ...credentials } };
  }
}
