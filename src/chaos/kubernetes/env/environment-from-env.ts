import { KubernetesConfigError } from "../errors.ts";
import { kubernetesTargetFromEnv } from "../target/target-from-env.ts";
import { resolveKubernetesEnvironmentConfig, type KubernetesEnvironmentInput } from "./kubernetes-env-config.ts";

/** The variables {@link kubernetesEnvironmentInputFromEnv} reads besides the target's. */
export const ENVIRONMENT_VARIABLES = {
  databaseUrl: "CHAOS_DATABASE_URL",
  databaseUrlInCluster: "CHAOS_DATABASE_URL_IN_CLUSTER",
  s3Endpoint: "CHAOS_S3_ENDPOINT",
  s3EndpointInCluster: "CHAOS_S3_ENDPOINT_IN_CLUSTER",
  s3PortInCluster: "CHAOS_S3_PORT_IN_CLUSTER",
  s3Bucket: "CHAOS_S3_BUCKET",
  s3Region: "CHAOS_S3_REGION",
  s3AccessKeyId: "CHAOS_S3_ACCESS_KEY_ID",
  s3SecretAccessKey: "CHAOS_S3_SECRET_ACCESS_KEY",
  pipelineImage: "CHAOS_PIPELINE_IMAGE",
} as const;

const FIELD_VARIABLES: Record<string, string> = {
  "database.url": ENVIRONMENT_VARIABLES.databaseUrl,
  "database.inClusterUrl": ENVIRONMENT_VARIABLES.databaseUrlInCluster,
  "s3.endpoint": ENVIRONMENT_VARIABLES.s3Endpoint,
  "s3.inClusterEndpoint": ENVIRONMENT_VARIABLES.s3EndpointInCluster,
  "s3.inClusterPort": ENVIRONMENT_VARIABLES.s3PortInCluster,
  "s3.bucket": ENVIRONMENT_VARIABLES.s3Bucket,
  "s3.credentials": ENVIRONMENT_VARIABLES.s3AccessKeyId,
};

/**
 * A Kubernetes environment's configuration from environment variables: the
 * target's (see kubernetesTargetFromEnv) plus CHAOS_DATABASE_URL and
 * CHAOS_S3_BUCKET (required) and the optional in-cluster URLs, S3 port,
 * region, keys and pipeline image, checked here so errors name the variable
 * (values are never echoed). Pass the result to KubernetesEnvironment.start().
 */
export function kubernetesEnvironmentInputFromEnv(env: NodeJS.ProcessEnv = process.env): KubernetesEnvironmentInput {
  const target = kubernetesTargetFromEnv(env);
  const read = (name: string) => (env[name]?.trim() ? env[name]!.trim() : undefined);
  const port = read(ENVIRONMENT_VARIABLES.s3PortInCluster);
  const accessKeyId = read(ENVIRONMENT_VARIABLES.s3AccessKeyId);
  const secretAccessKey = read(ENVIRONMENT_VARIABLES.s3SecretAccessKey);
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined))
    throw new KubernetesConfigError(
      accessKeyId ? ENVIRONMENT_VARIABLES.s3SecretAccessKey : ENVIRONMENT_VARIABLES.s3AccessKeyId,
      "must be set together with its pair",
    );
  try {
    const input: KubernetesEnvironmentInput = {
      target: { ...target, allowedNamespaces: [...target.allowedNamespaces], workloads: { ...target.workloads } },
      database: { url: read(ENVIRONMENT_VARIABLES.databaseUrl) as string, inClusterUrl: read(ENVIRONMENT_VARIABLES.databaseUrlInCluster) },
      s3: {
        endpoint: read(ENVIRONMENT_VARIABLES.s3Endpoint),
        inClusterEndpoint: read(ENVIRONMENT_VARIABLES.s3EndpointInCluster),
        bucket: read(ENVIRONMENT_VARIABLES.s3Bucket) as string,
        region: read(ENVIRONMENT_VARIABLES.s3Region),
        ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {}),
        ...(port !== undefined ? { inClusterPort: Number(port) } : {}),
      },
      pipeline: { image: read(ENVIRONMENT_VARIABLES.pipelineImage) },
    };
    resolveKubernetesEnvironmentConfig(input);
    return input;
  } catch (error) {
    if (error instanceof KubernetesConfigError && FIELD_VARIABLES[error.field]) {
      throw new KubernetesConfigError(FIELD_VARIABLES[error.field]!, error.message.replace(/^invalid Kubernetes configuration: \S+ /, ""));
    }
    throw error;
  }
}
