import type { V1Pod } from "@kubernetes/client-node";
import { waitFor } from "../../core/index.ts";
import type { KubeClient } from "../client/kube-client.ts";
import { labelSelectorString, type WorkloadSelector } from "../target/kubernetes-target.ts";

/** Whether a pod runs, is not being deleted, and reports Ready=True. */
export function podIsReady(pod: V1Pod): boolean {
  return (
    pod.metadata?.deletionTimestamp === undefined &&
    pod.status?.phase === "Running" &&
    (pod.status.conditions ?? []).some((condition) => condition.type === "Ready" && condition.status === "True")
  );
}

/** Waits until the workload has at least one pod and every one of its pods is Ready; returns their names. */
export function waitForWorkloadReady(client: KubeClient, workload: WorkloadSelector, name: string, timeoutMs: number): Promise<string[]> {
  return waitFor(
    async () => {
      const pods = await client.listPods(workload.namespace, labelSelectorString(workload.labels));
      return pods.length > 0 && pods.every(podIsReady) ? pods.map((pod) => pod.metadata!.name!) : undefined;
    },
    { description: `every ${name} pod (${workload.namespace}: ${labelSelectorString(workload.labels)}) to be Ready`, timeoutMs, intervalMs: 200 },
  );
}
