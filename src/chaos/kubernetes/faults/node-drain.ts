import type { V1Pod } from "@kubernetes/client-node";
import { waitFor } from "../../core/index.ts";
import { KubernetesApiError } from "../errors.ts";
import type { GuardedCluster } from "../target/guarded-cluster.ts";

/** Pause between eviction attempts a PodDisruptionBudget refused (HTTP 429). */
const EVICTION_RETRY_MS = 500;

export interface DrainOutcome {
  /** `namespace/pod` of every pod evicted. */
  evicted: string[];
  /** Pods left in place, and why (DaemonSet pods, static pods, finished pods). */
  skipped: { pod: string; reason: string }[];
  /** Eviction attempts a PodDisruptionBudget refused before succeeding. */
  refusals: number;
}

/**
 * What `kubectl drain` does: cordon the node, then evict every pod on it
 * through the Eviction API (so PodDisruptionBudgets are honoured, retrying
 * while one refuses), except DaemonSet and static pods, and wait until the
 * evicted pods are gone. The node stays cordoned: uncordon undoes the drain.
 */
export async function drainNode(cluster: GuardedCluster, node: string, timeoutMs: number): Promise<DrainOutcome> {
  const started = performance.now();
  await cluster.setUnschedulable(node, true);
  const outcome: DrainOutcome = { evicted: [], skipped: [], refusals: 0 };
  const toEvict: V1Pod[] = [];
  for (const pod of await cluster.client.listPodsOnNode(node)) {
    const reason = skipReason(pod);
    if (reason) outcome.skipped.push({ pod: id(pod), reason });
    else toEvict.push(pod);
  }
  await Promise.all(
    toEvict.map(async (pod) => {
      for (;;) {
        try {
          await cluster.evictFromNode(node, pod);
          outcome.evicted.push(id(pod));
          return;
        } catch (error) {
          if (!(error instanceof KubernetesApiError) || error.status !== 429) throw error;
          outcome.refusals++;
          if (performance.now() - started > timeoutMs)
            throw new Error(`draining node ${node}: a disruption budget kept refusing to evict ${id(pod)} for ${timeoutMs} ms`, { cause: error });
          await new Promise((resolve) => setTimeout(resolve, EVICTION_RETRY_MS));
        }
      }
    }),
  );
  if (cluster.dryRun) return outcome;
  await waitFor(
    async () => {
      const remaining = await Promise.all(toEvict.map((pod) => cluster.client.readPod(pod.metadata!.namespace!, pod.metadata!.name!)));
      return remaining.every((pod, index) => pod === undefined || pod.metadata?.uid !== toEvict[index]!.metadata?.uid);
    },
    { description: `the pods evicted from node ${node} to be gone`, timeoutMs: Math.max(1, timeoutMs - (performance.now() - started)), intervalMs: 100 },
  );
  return outcome;
}

function skipReason(pod: V1Pod): string | undefined {
  if (pod.metadata?.ownerReferences?.some((owner) => owner.kind === "DaemonSet")) return "DaemonSet pod";
  if (pod.metadata?.annotations?.["kubernetes.io/config.mirror"] !== undefined) return "static (mirror) pod";
  if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") return `already ${pod.status.phase}`;
  return undefined;
}

function id(pod: V1Pod): string {
  return `${pod.metadata?.namespace}/${pod.metadata?.name}`;
}
