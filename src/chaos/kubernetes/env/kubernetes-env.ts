import { randomBytes } from "node:crypto";
import type { S3Client } from "@aws-sdk/client-s3";
import pg from "pg";
import { createS3Client, type PipelineConfigInput, type S3SourceConfig } from "../../../pipeline/index.ts";
import { seedBucket, DependencyPinger, pipelineDatabaseName } from "../../env-kit/index.ts";
import {
  type ChaosEnvironment,
  type PipelineDatabase,
  type ServiceName,
  onInterrupt,
  type PipelineLaunchRequest,
  type PipelineProcess,
  type SeedObject,
} from "../../core/index.ts";
import { KubeClient } from "../client/kube-client.ts";
import { KubernetesFaultLibrary } from "../faults/kubernetes-fault-library.ts";
import { GuardedCluster } from "../target/guarded-cluster.ts";
import { resolveKubernetesEnvironmentConfig, type KubernetesEnvironmentConfig, type KubernetesEnvironmentInput } from "./kubernetes-env-config.ts";
import { KubernetesPipelineProcess } from "./kubernetes-pipeline-process.ts";
import { pipelineJobObjects } from "./pipeline-job.ts";

const S3_CLIENT_TIMEOUT_MS = 30_000;

/**
 * The chaos environment on a Kubernetes cluster: Postgres and S3 are the
 * cluster's (reached from here through the configured URLs, e.g. port-
 * forwards), pipelines run as Jobs, faults are Chaos Mesh objects. Nothing is
 * written before the target namespace has passed the safety check.
 *
 *     await using env = await KubernetesEnvironment.start({ target, database, s3, pipeline });
 */
export class KubernetesEnvironment implements ChaosEnvironment {
  readonly kind = "kubernetes";
  readonly isLocal = false;
  readonly target: string;
  readonly bucket: string;
  private readonly databases: string[] = [];
  private readonly processes = new Set<PipelineProcess>();
  private readonly unregister: () => void;
  private s3: S3Client | undefined;
  private pinger: DependencyPinger | undefined;
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly config: KubernetesEnvironmentConfig,
    readonly cluster: GuardedCluster,
  ) {
    this.target = `kubernetes ${cluster.client.context}/${config.target.namespace}`;
    this.bucket = config.s3.bucket;
    this.unregister = onInterrupt(() => this.stop());
  }

  /** Connects and checks the target namespace (allowed and marked) before anything else. */
  static async start(input: KubernetesEnvironmentInput): Promise<KubernetesEnvironment> {
    const config = resolveKubernetesEnvironmentConfig(input);
    const cluster = new GuardedCluster(KubeClient.fromKubeconfig(config.target), config.target);
    await cluster.checkNamespace(config.target.namespace);
    return new KubernetesEnvironment(config, cluster);
  }

  async createDatabase(label: string): Promise<PipelineDatabase> {
    const name = pipelineDatabaseName(label);
    await this.withAdminClient((client) => client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`));
    this.databases.push(name);
    return { name, url: withDatabase(this.config.database.url, name) };
  }

  seed(objects: Iterable<SeedObject>): Promise<number> {
    this.s3 ??= createS3Client(this.s3Source(), S3_CLIENT_TIMEOUT_MS);
    return seedBucket(this.s3, this.bucket, objects);
  }

  /**
   * For a pipeline run in this process: the URLs this process reaches the
   * cluster by. Pod-level faults (kill, stop, stress) hit such a run too;
   * NetworkChaos does not (it shapes the pods' interfaces, and a port-forward
   * enters the pod elsewhere), so `direct` changes nothing here.
   */
  pipelineConfig(prefix: string, options: { database: string; direct?: boolean }): PipelineConfigInput {
    return { databaseUrl: withDatabase(this.config.database.url, options.database), s3: { ...this.s3Source(), prefix } };
  }

  async launchPipeline(request: PipelineLaunchRequest): Promise<PipelineProcess> {
    const name = `scale-${request.database
      .toLowerCase()
      .replace(/[^a-z0-9]/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40)}-${randomBytes(3).toString("hex")}`.replace(/--+/g, "-");
    const labels = { ...this.config.target.workloads.pipeline.labels, "app.kubernetes.io/managed-by": "chaos-control" };
    const objects = pipelineJobObjects(this.config, request, name, labels, withDatabase(this.config.database.inClusterUrl, request.database));
    const process = await KubernetesPipelineProcess.launch(this.cluster, objects, {
      metricsPort: this.config.pipeline.metricsPort,
      startTimeoutMs: this.config.pipeline.startTimeoutMs,
    });
    this.processes.add(process);
    return process;
  }

  createFaults(): KubernetesFaultLibrary {
    return new KubernetesFaultLibrary({
      cluster: this.cluster,
      databaseUrl: this.config.database.url,
      ...(this.config.s3.inClusterPort !== undefined ? { s3Port: this.config.s3.inClusterPort } : {}),
    });
  }

  ping(service: ServiceName, timeoutMs: number): Promise<number> {
    this.pinger ??= new DependencyPinger(this.config.database.url, this.s3Source());
    return this.pinger.ping(service, timeoutMs);
  }

  /** Stops the pipelines it launched, deletes every object it created and drops its databases. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.unregister();
      const results = await Promise.allSettled([...[...this.processes].map((process) => process.stop()), this.cluster.tracker.removeAll()]);
      this.pinger?.close();
      this.s3?.destroy();
      const dropped = await Promise.allSettled(
        this.databases.map((name) => this.withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`))),
      );
      const failures = [...results, ...dropped].filter((result): result is PromiseRejectedResult => result.status === "rejected");
      if (failures.length > 0)
        throw new AggregateError(
          failures.map((failure) => failure.reason),
          "could not stop the Kubernetes environment cleanly",
        );
    })();
    return this.stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  private s3Source(): S3SourceConfig {
    const { s3 } = this.config;
    return { endpoint: s3.endpoint, region: s3.region, bucket: s3.bucket, prefix: "", forcePathStyle: s3.endpoint !== undefined, credentials: s3.credentials };
  }

  private async withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: this.config.database.url, connectionTimeoutMillis: 10_000 });
    client.on("error", () => undefined);
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/** The same server and credentials, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}
