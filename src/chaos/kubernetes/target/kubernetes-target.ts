/**
 * Where chaos may land on a cluster, and which pods are which service. Input
 * (mostly optional) → {@link resolveKubernetesTarget} → resolved (all set),
 * validated once with errors naming the field.
 */
import { FaultParameterError } from "../../core/index.ts";
import { dnsLabel, labelMap } from "../chaos-mesh/chaos-parameters.ts";
import { KubernetesConfigError } from "../errors.ts";

/** The label or annotation a namespace (or node) must carry, with the value "true", before any chaos touches it. */
export const ALLOW_CHAOS_KEY = "chaos-control.io/allow-chaos";

/**
 * The workloads faults address: the two services, the pipeline's own pods
 * (Job pods, network-fault peers), and Postgres's streaming read replicas,
 * which the pipeline never writes to (faults there must not hurt it).
 */
export type ClusterWorkload = "postgres" | "s3" | "pipeline" | "postgres-replica";
export const CLUSTER_WORKLOADS: readonly ClusterWorkload[] = ["postgres", "s3", "pipeline", "postgres-replica"];

/** Pods of one workload: all `labels` must match (default: the workload's `app.kubernetes.io/name`), in `namespace` (default: the target's). */
export interface WorkloadSelectorInput {
  namespace?: string;
  labels?: Readonly<Record<string, string>>;
}

export interface WorkloadSelector {
  namespace: string;
  labels: Readonly<Record<string, string>>;
}

export interface KubernetesTargetInput {
  /** Default: $KUBECONFIG or ~/.kube/config. */
  kubeconfigPath?: string;
  /** Default: the kubeconfig's current context. */
  context?: string;
  /** Where chaos objects, Jobs and Secrets are created. */
  namespace: string;
  /** Every namespace chaos may touch; each must also carry `chaos-control.io/allow-chaos: "true"`. */
  allowedNamespaces: readonly string[];
  /**
   * Label selectors per workload; defaults are `app.kubernetes.io/name` = postgresql, minio, scale (as infra/k8s labels them),
   * and for `postgres-replica` Bitnami's read replicas (`app.kubernetes.io/name=postgresql`, `app.kubernetes.io/component=read`).
   */
  workloads?: Partial<Record<ClusterWorkload, WorkloadSelectorInput>>;
  /** Print every object that would be written and write nothing (default false). */
  dryRun?: boolean;
  /** Every chaos object gets at most this duration, so a suite that dies leaves no fault behind for long (default 10 min). */
  maxFaultDurationMs?: number;
  /** How long a chaos object may take to report AllInjected (default 60 s). */
  injectTimeoutMs?: number;
  /** How long a deleted object may take to disappear (finalizers) (default 60 s). */
  removeTimeoutMs?: number;
  /** Where dry-run output and notices go (default stderr). Never given credentials. */
  log?: (line: string) => void;
}

export interface KubernetesTarget {
  kubeconfigPath: string | undefined;
  context: string | undefined;
  namespace: string;
  allowedNamespaces: readonly string[];
  workloads: Readonly<Record<ClusterWorkload, WorkloadSelector>>;
  dryRun: boolean;
  maxFaultDurationMs: number;
  injectTimeoutMs: number;
  removeTimeoutMs: number;
  log: (line: string) => void;
}

const DEFAULT_WORKLOAD_LABELS: Record<ClusterWorkload, Record<string, string>> = {
  postgres: { "app.kubernetes.io/name": "postgresql" },
  s3: { "app.kubernetes.io/name": "minio" },
  pipeline: { "app.kubernetes.io/name": "scale" },
  "postgres-replica": { "app.kubernetes.io/name": "postgresql", "app.kubernetes.io/component": "read" },
};
const MAX_FAULT_DURATION_MS = 10 * 60_000;
const INJECT_TIMEOUT_MS = 60_000;
const REMOVE_TIMEOUT_MS = 60_000;

/** Fills defaults and validates; a bad value throws a {@link KubernetesConfigError} naming its field. */
export function resolveKubernetesTarget(input: KubernetesTargetInput): KubernetesTarget {
  const namespace = asConfigError(() => dnsLabel(input.namespace, "namespace"));
  if (!Array.isArray(input.allowedNamespaces) || input.allowedNamespaces.length === 0) {
    throw new KubernetesConfigError("allowedNamespaces", "must list at least one namespace: chaos is refused everywhere else");
  }
  const allowedNamespaces = input.allowedNamespaces.map((name, index) => asConfigError(() => dnsLabel(name, `allowedNamespaces[${index}]`)));
  const workloads = Object.fromEntries(
    CLUSTER_WORKLOADS.map((workload) => {
      const given = input.workloads?.[workload];
      const labels = asConfigError(() => labelMap(given?.labels ?? DEFAULT_WORKLOAD_LABELS[workload], `workloads.${workload}.labels`)) ?? {};
      if (Object.keys(labels).length === 0)
        throw new KubernetesConfigError(`workloads.${workload}.labels`, "must have at least one label: an empty selector matches every pod");
      const workloadNamespace = given?.namespace === undefined ? namespace : asConfigError(() => dnsLabel(given.namespace!, `workloads.${workload}.namespace`));
      return [workload, { namespace: workloadNamespace, labels }];
    }),
  ) as Record<ClusterWorkload, WorkloadSelector>;
  return {
    kubeconfigPath: optionalString(input.kubeconfigPath, "kubeconfigPath"),
    context: optionalString(input.context, "context"),
    namespace,
    allowedNamespaces,
    workloads,
    dryRun: input.dryRun ?? false,
    maxFaultDurationMs: positiveMs(input.maxFaultDurationMs ?? MAX_FAULT_DURATION_MS, "maxFaultDurationMs"),
    injectTimeoutMs: positiveMs(input.injectTimeoutMs ?? INJECT_TIMEOUT_MS, "injectTimeoutMs"),
    removeTimeoutMs: positiveMs(input.removeTimeoutMs ?? REMOVE_TIMEOUT_MS, "removeTimeoutMs"),
    log: input.log ?? ((line) => process.stderr.write(`${line}\n`)),
  };
}

/** `key=value,key2=value2`, as kubectl's `-l` takes it. */
export function labelSelectorString(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
}

/** Runs a shared parameter check, reporting its failure as a configuration error on the same field. */
function asConfigError<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof FaultParameterError)
      throw new KubernetesConfigError(error.field, error.message.slice(`invalid fault parameter: ${error.field} `.length));
    throw error;
  }
}

function optionalString(value: string | undefined, name: string): string | undefined {
  if (value === undefined || value === "") return undefined;
  if (typeof value !== "string") throw new KubernetesConfigError(name, "must be a string");
  return value;
}

function positiveMs(value: number, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0)
    throw new KubernetesConfigError(name, `must be a positive number of milliseconds, got ${JSON.stringify(value)}`);
  return value;
}
