import { KubernetesConfigError } from "../errors.ts";
import {
  CLUSTER_WORKLOADS,
  resolveKubernetesTarget,
  type KubernetesTarget,
  type KubernetesTargetInput,
  type WorkloadSelectorInput,
} from "./kubernetes-target.ts";

/**
 * The variables {@link kubernetesTargetFromEnv} reads. Selectors are
 * kubectl-style `key=value,key2=value2`; lists are comma-separated.
 */
export const TARGET_VARIABLES = {
  kubeconfigPath: "CHAOS_KUBECONFIG",
  context: "CHAOS_KUBE_CONTEXT",
  namespace: "CHAOS_NAMESPACE",
  allowedNamespaces: "CHAOS_ALLOWED_NAMESPACES",
  dryRun: "CHAOS_DRY_RUN",
  maxFaultDurationMs: "CHAOS_MAX_FAULT_DURATION_MS",
  injectTimeoutMs: "CHAOS_INJECT_TIMEOUT_MS",
  removeTimeoutMs: "CHAOS_REMOVE_TIMEOUT_MS",
} as const;

/** `CHAOS_POSTGRES_SELECTOR`, `CHAOS_S3_NAMESPACE`, `CHAOS_POSTGRES_REPLICA_SELECTOR`, … */
export function workloadVariable(workload: string, what: "SELECTOR" | "NAMESPACE"): string {
  return `CHAOS_${workload.toUpperCase().replace(/-/g, "_")}_${what}`;
}

/**
 * A Kubernetes target from environment variables: CHAOS_NAMESPACE and
 * CHAOS_ALLOWED_NAMESPACES are required; CHAOS_KUBECONFIG (default
 * $KUBECONFIG or ~/.kube/config), CHAOS_KUBE_CONTEXT, CHAOS_DRY_RUN
 * (true/false/1/0), CHAOS_{POSTGRES,S3,PIPELINE,POSTGRES_REPLICA}_{SELECTOR,NAMESPACE} and the
 * timeouts in ms are optional. Errors name the variable.
 */
export function kubernetesTargetFromEnv(env: NodeJS.ProcessEnv = process.env): KubernetesTarget {
  const read = (name: string) => {
    const value = env[name]?.trim();
    return value === "" ? undefined : value;
  };
  const namespace = read(TARGET_VARIABLES.namespace);
  if (namespace === undefined) throw new KubernetesConfigError(TARGET_VARIABLES.namespace, "is required: the namespace chaos objects and Jobs are created in");
  const allowed = read(TARGET_VARIABLES.allowedNamespaces);
  if (allowed === undefined)
    throw new KubernetesConfigError(TARGET_VARIABLES.allowedNamespaces, "is required: a comma-separated list of the namespaces chaos may touch");
  const workloads: Partial<Record<string, WorkloadSelectorInput>> = {};
  for (const workload of CLUSTER_WORKLOADS) {
    const selector = read(workloadVariable(workload, "SELECTOR"));
    const workloadNamespace = read(workloadVariable(workload, "NAMESPACE"));
    if (selector === undefined && workloadNamespace === undefined) continue;
    workloads[workload] = {
      ...(selector !== undefined ? { labels: parseSelector(selector, workloadVariable(workload, "SELECTOR")) } : {}),
      ...(workloadNamespace !== undefined ? { namespace: workloadNamespace } : {}),
    };
  }
  const input: KubernetesTargetInput = {
    kubeconfigPath: read(TARGET_VARIABLES.kubeconfigPath),
    context: read(TARGET_VARIABLES.context),
    namespace,
    allowedNamespaces: allowed
      .split(",")
      .map((name) => name.trim())
      .filter(Boolean),
    workloads,
    dryRun: parseBoolean(read(TARGET_VARIABLES.dryRun), TARGET_VARIABLES.dryRun),
    maxFaultDurationMs: parseMs(read(TARGET_VARIABLES.maxFaultDurationMs), TARGET_VARIABLES.maxFaultDurationMs),
    injectTimeoutMs: parseMs(read(TARGET_VARIABLES.injectTimeoutMs), TARGET_VARIABLES.injectTimeoutMs),
    removeTimeoutMs: parseMs(read(TARGET_VARIABLES.removeTimeoutMs), TARGET_VARIABLES.removeTimeoutMs),
  };
  try {
    return resolveKubernetesTarget(input);
  } catch (error) {
    if (error instanceof KubernetesConfigError)
      throw new KubernetesConfigError(variableOf(error.field), error.message.replace(/^invalid Kubernetes configuration: \S+ /, ""));
    throw error;
  }
}

/** `app=postgres,tier=db` as a label map. */
export function parseSelector(text: string, variable: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const term of text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)) {
    const equals = term.indexOf("=");
    if (equals <= 0 || term.includes("!="))
      throw new KubernetesConfigError(variable, `must be key=value pairs separated by commas, got ${JSON.stringify(term)}`);
    labels[term.slice(0, equals).trim()] = term
      .slice(equals + 1)
      .replace(/^=/, "")
      .trim();
  }
  return labels;
}

function parseBoolean(value: string | undefined, variable: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (/^(1|true|yes)$/i.test(value)) return true;
  if (/^(0|false|no)$/i.test(value)) return false;
  throw new KubernetesConfigError(variable, `must be true or false, got ${JSON.stringify(value)}`);
}

function parseMs(value: string | undefined, variable: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (!Number.isFinite(ms) || ms <= 0) throw new KubernetesConfigError(variable, `must be a positive number of milliseconds, got ${JSON.stringify(value)}`);
  return ms;
}

/** The variable a resolved field came from, so errors name what the user set. */
function variableOf(field: string): string {
  if (field.startsWith("allowedNamespaces")) return TARGET_VARIABLES.allowedNamespaces;
  const workload = /^workloads\.([\w-]+)\.(labels|namespace)/.exec(field);
  if (workload) return workloadVariable(workload[1]!, workload[2] === "labels" ? "SELECTOR" : "NAMESPACE");
  return (TARGET_VARIABLES as Record<string, string>)[field] ?? field;
}
