/** Faults through the core API alone, for clusters without Chaos Mesh: pod deletion, node cordon and drain. */
import { createFaultHandle, effectSeen, untilEffect, type FaultHandle, FaultParameterError } from "../../core/index.ts";
import type { GuardedCluster } from "../target/guarded-cluster.ts";
import { labelSelectorString, type ClusterWorkload } from "../target/kubernetes-target.ts";
import { describeWorkload } from "./fault-mapping.ts";
import { drainNode } from "./node-drain.ts";
import { waitForWorkloadReady } from "./workload-readiness.ts";

export interface DeletePodsOptions {
  /** Seconds each pod gets to shut down; 0 (default) deletes at once, as kill -9. */
  gracePeriodSeconds?: number;
  /** Removal waits until the workload's pods are all Ready again (default true). */
  waitReadyOnRemove?: boolean;
}

/** Deletes every pod of a workload; its controller starts new ones. Stamped once every deleted pod is gone (a same-named replacement has another UID). */
export async function deletePods(cluster: GuardedCluster, workload: ClusterWorkload, options: DeletePodsOptions, readyTimeoutMs: number): Promise<FaultHandle> {
  const gracePeriodSeconds = options.gracePeriodSeconds ?? 0;
  if (!Number.isInteger(gracePeriodSeconds) || gracePeriodSeconds < 0)
    throw new FaultParameterError("gracePeriodSeconds", `must be a whole number of seconds ≥ 0, got ${gracePeriodSeconds}`);
  const selector = cluster.target.workloads[workload];
  await cluster.checkNamespace(selector.namespace);
  const pods = await cluster.client.listPods(selector.namespace, labelSelectorString(selector.labels));
  if (pods.length === 0) throw new FaultParameterError("workload", `no pod matches ${describeWorkload(workload, selector)}`);
  const requested = performance.now();
  const deleted: string[] = [];
  const deletedPods: { name: string; uid: string | undefined }[] = [];
  for (const pod of pods) {
    if (await cluster.deletePod(selector.namespace, pod.metadata!.name!, gracePeriodSeconds)) {
      deleted.push(`${selector.namespace}/${pod.metadata!.name}`);
      deletedPods.push({ name: pod.metadata!.name!, uid: pod.metadata!.uid });
    }
  }
  const stillThere = async () => {
    const left: string[] = [];
    for (const pod of deletedPods) {
      const now = await cluster.client.readPod(selector.namespace, pod.name);
      if (now !== undefined && now.metadata?.uid === pod.uid) left.push(pod.name);
    }
    return left.length === 0 || `pods ${left.join(", ")} still exist`;
  };
  const injectedAt = cluster.dryRun
    ? effectSeen("dry run: nothing deleted")
    : await untilEffect(`deletion of ${describeWorkload(workload, selector)}`, stillThere, {
        timeoutMs: gracePeriodSeconds * 1000 + readyTimeoutMs,
        intervalMs: 100,
      });
  return createFaultHandle(
    { kind: "pod/delete", cause: "equipment-failure", target: describeWorkload(workload, selector), parameters: { gracePeriodSeconds } },
    { deletedPods: deleted, goneAfterMs: injectedAt - requested, ...(cluster.dryRun ? { dryRun: true } : {}) },
    async () => {
      if (cluster.dryRun || options.waitReadyOnRemove === false) return {};
      const readyPods = await waitForWorkloadReady(cluster.client, selector, workload, readyTimeoutMs);
      return { readyPods, downMs: performance.now() - requested };
    },
    injectedAt,
  );
}

/** Marks a node unschedulable until removal. */
export async function cordonNode(cluster: GuardedCluster, node: string): Promise<FaultHandle> {
  await cluster.setUnschedulable(node, true);
  return createFaultHandle(
    { kind: "node/cordon", cause: "equipment-failure", target: `node ${node}`, parameters: {} },
    { node, ...(cluster.dryRun ? { dryRun: true } : {}) },
    () => cluster.setUnschedulable(node, false),
    effectSeen("the API server stored the node as unschedulable"),
  );
}

/** Drains a node (cordon + evictions); removal uncordons it. A failed drain uncordons it before throwing. */
export async function drainNodeFault(cluster: GuardedCluster, node: string, timeoutMs: number): Promise<FaultHandle> {
  const requested = performance.now();
  try {
    const outcome = await drainNode(cluster, node, timeoutMs);
    const drained = effectSeen("the node is cordoned and every evicted pod is gone");
    return createFaultHandle(
      { kind: "node/drain", cause: "equipment-failure", target: `node ${node}`, parameters: { timeoutMs } },
      { node, ...outcome, drainedAfterMs: drained - requested, ...(cluster.dryRun ? { dryRun: true } : {}) },
      () => cluster.setUnschedulable(node, false),
      drained,
    );
  } catch (error) {
    await cluster.setUnschedulable(node, false).catch(() => undefined);
    throw error;
  }
}
