/**
 * What a Kubernetes environment needs besides its target: where Postgres and
 * S3 are, from this process and from inside the cluster, and how to run the
 * pipeline as a Job. Input → {@link resolveKubernetesEnvironmentConfig} →
 * resolved, validated once with errors naming the field.
 */
import type { V1ResourceRequirements } from "@kubernetes/client-node";
import { KubernetesConfigError } from "../errors.ts";
import { resolveKubernetesTarget, type KubernetesTarget, type KubernetesTargetInput } from "../target/kubernetes-target.ts";

export interface KubernetesEnvironmentInput {
  target: KubernetesTargetInput;
  database: {
    /**
     * The cluster's Postgres as this process reaches it, e.g. through
     * `kubectl port-forward svc/scale-postgresql 15432:5432`:
     * postgres://scale:…@127.0.0.1:15432/postgres. A role that may CREATE
     * DATABASE. Contains a password: never logged.
     */
    url: string;
    /** The same server as the pipeline's pods reach it, e.g. postgres://scale:…@scale-postgresql.scale-dev.svc:5432/postgres (default: `url`). */
    inClusterUrl?: string;
  };
  s3: {
    /** As this process reaches it (a port-forward to MinIO, or omit for AWS S3). */
    endpoint?: string;
    /** As the pipeline's pods reach it (default: `endpoint`). */
    inClusterEndpoint?: string;
    bucket: string;
    region?: string;
    /** Omit to use the AWS SDK's default chain (here and, through the Job's Secret, in the pods). */
    credentials?: { accessKeyId: string; secretAccessKey: string };
    /** Container port of the S3 server when it runs in the cluster (e.g. 9000 for MinIO): enables HTTPChaos S3 faults. */
    inClusterPort?: number;
  };
  pipeline?: {
    /** The project's image (infra/images), whose entrypoint is `chaos-control pipeline`; required to launch pipelines. */
    image?: string;
    imagePullPolicy?: "Always" | "IfNotPresent" | "Never";
    serviceAccountName?: string;
    /** Port of the pipeline's /metrics inside the pod (default 9464). */
    metricsPort?: number;
    resources?: V1ResourceRequirements;
    /** Kubernetes ends a Job running longer (default 3600). */
    activeDeadlineSeconds?: number;
    /** How long a launched pod may take to start running (image pull included; default 120 s). */
    startTimeoutMs?: number;
  };
}

export interface KubernetesEnvironmentConfig {
  target: KubernetesTarget;
  database: { url: string; inClusterUrl: string };
  s3: {
    endpoint: string | undefined;
    inClusterEndpoint: string | undefined;
    bucket: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
    inClusterPort: number | undefined;
  };
  pipeline: {
    image: string | undefined;
    imagePullPolicy: "Always" | "IfNotPresent" | "Never";
    serviceAccountName: string | undefined;
    metricsPort: number;
    resources: V1ResourceRequirements | undefined;
    activeDeadlineSeconds: number;
    startTimeoutMs: number;
  };
}

export function resolveKubernetesEnvironmentConfig(input: KubernetesEnvironmentInput): KubernetesEnvironmentConfig {
  const target = resolveKubernetesTarget(input.target);
  const url = postgresUrl(input.database?.url, "database.url");
  const endpoint = optionalHttpUrl(input.s3?.endpoint, "s3.endpoint");
  if (typeof input.s3?.bucket !== "string" || input.s3.bucket === "") throw new KubernetesConfigError("s3.bucket", "is required");
  const credentials = input.s3.credentials;
  if (credentials !== undefined && (!credentials.accessKeyId || !credentials.secretAccessKey))
    throw new KubernetesConfigError("s3.credentials", "needs both accessKeyId and secretAccessKey");
  const pipeline = input.pipeline ?? {};
  return {
    target,
    database: { url, inClusterUrl: input.database.inClusterUrl === undefined ? url : postgresUrl(input.database.inClusterUrl, "database.inClusterUrl") },
    s3: {
      endpoint,
      inClusterEndpoint: optionalHttpUrl(input.s3.inClusterEndpoint, "s3.inClusterEndpoint") ?? endpoint,
      bucket: input.s3.bucket,
      region: input.s3.region ?? "us-east-1",
      credentials: credentials === undefined ? undefined : { ...credentials },
      inClusterPort: input.s3.inClusterPort === undefined ? undefined : port(input.s3.inClusterPort, "s3.inClusterPort"),
    },
    pipeline: {
      image: pipeline.image,
      imagePullPolicy: pipeline.imagePullPolicy ?? "IfNotPresent",
      serviceAccountName: pipeline.serviceAccountName,
      metricsPort: port(pipeline.metricsPort ?? 9464, "pipeline.metricsPort"),
      resources: pipeline.resources,
      activeDeadlineSeconds: positiveInteger(pipeline.activeDeadlineSeconds ?? 3600, "pipeline.activeDeadlineSeconds"),
      startTimeoutMs: positiveInteger(pipeline.startTimeoutMs ?? 120_000, "pipeline.startTimeoutMs"),
    },
  };
}

function postgresUrl(value: string | undefined, field: string): string {
  if (typeof value !== "string" || !/^postgres(ql)?:\/\/[^/]+/.test(value)) throw new KubernetesConfigError(field, "must be a postgres:// connection string");
  return value;
}

function optionalHttpUrl(value: string | undefined, field: string): string | undefined {
  if (value === undefined || value === "") return undefined;
  if (!/^https?:\/\/[^/]+/.test(value)) throw new KubernetesConfigError(field, `must be an http(s) URL, got ${JSON.stringify(value)}`);
  return value;
}

function port(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1 || value > 65_535) throw new KubernetesConfigError(field, `must be a port 1..65535, got ${JSON.stringify(value)}`);
  return value;
}

function positiveInteger(value: number, field: string): number {
  if (!Number.isInteger(value) || value <= 0) throw new KubernetesConfigError(field, `must be a positive whole number, got ${JSON.stringify(value)}`);
  return value;
}
