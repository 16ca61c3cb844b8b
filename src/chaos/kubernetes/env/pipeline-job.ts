import type { V1Job, V1Secret } from "@kubernetes/client-node";
import type { PipelineLaunchRequest } from "../../core/index.ts";
import type { KubernetesEnvironmentConfig } from "./kubernetes-env-config.ts";

/** The pipeline's container in the Job's pod. */
export const PIPELINE_CONTAINER = "pipeline";

/** What one launch creates: a Secret with the connection strings and keys, and the Job that reads it. */
export interface PipelineJobObjects {
  secret: V1Secret;
  job: V1Job;
}

/**
 * The Job running one pipeline process, shaped like infra/k8s/base's Jobs:
 * the image's entrypoint is `chaos-control pipeline`, metrics on 0.0.0.0 for
 * the pod proxy, credentials only through a Secret (so printing the Job shows
 * none), backoffLimit 0 so a killed pod ends the Job instead of being retried
 * behind the experiment's back.
 */
export function pipelineJobObjects(
  config: KubernetesEnvironmentConfig,
  request: PipelineLaunchRequest,
  name: string,
  labels: Record<string, string>,
  databaseUrl: string,
): PipelineJobObjects {
  const { namespace } = config.target;
  const { pipeline, s3 } = config;
  if (!pipeline.image) throw new Error("pipeline.image is not configured: launching the pipeline as a Job needs the project's image");
  const secretName = `${name}-env`;
  const secret: V1Secret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: secretName, namespace, labels },
    type: "Opaque",
    stringData: {
      DATABASE_URL: databaseUrl,
      ...(s3.credentials ? { AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey } : {}),
    },
  };
  const args = [
    `--prefix=${request.prefix}`,
    `--bucket=${s3.bucket}`,
    `--region=${s3.region}`,
    ...(s3.inClusterEndpoint ? [`--s3-endpoint=${s3.inClusterEndpoint}`] : []),
    `--metrics-port=${pipeline.metricsPort}`,
    "--metrics-host=0.0.0.0",
    ...option("--write-batch-files", request.writeBatchFiles),
    ...option("--pair-batch-size", request.pairBatchSize),
    ...option("--concurrency", request.concurrency),
    ...option("--request-timeout-ms", request.requestTimeoutMs),
    ...option("--query-timeout-ms", request.queryTimeoutMs),
    ...option("--retry-attempts", request.retryAttempts),
    ...(request.shard ? [`--stages=${request.shard.stage}`, `--shard-index=${request.shard.index}`, `--shard-count=${request.shard.count}`] : []),
    "--json",
  ];
  const job: V1Job = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, namespace, labels },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: pipeline.activeDeadlineSeconds,
      ttlSecondsAfterFinished: 3600,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          automountServiceAccountToken: false,
          ...(pipeline.serviceAccountName ? { serviceAccountName: pipeline.serviceAccountName } : {}),
          securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
          containers: [
            {
              name: PIPELINE_CONTAINER,
              image: pipeline.image,
              imagePullPolicy: pipeline.imagePullPolicy,
              args,
              ports: [{ name: "metrics", containerPort: pipeline.metricsPort, protocol: "TCP" }],
              envFrom: [{ secretRef: { name: secretName } }],
              env: [{ name: "HOME", value: "/tmp" }],
              ...(pipeline.resources ? { resources: pipeline.resources } : {}),
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
              volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
            },
          ],
          volumes: [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }],
        },
      },
    },
  };
  return { secret, job };
}

function option(flag: string, value: number | undefined): string[] {
  return value === undefined ? [] : [`${flag}=${value}`];
}
