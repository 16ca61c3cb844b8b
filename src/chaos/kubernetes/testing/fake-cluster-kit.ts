/**
 * A fake cluster ready for tests: namespaces with and without the allow-chaos
 * mark, pods of each workload, two nodes, and a GuardedCluster on it.
 */
import { KubeClient } from "../client/kube-client.ts";
import { GuardedCluster } from "../target/guarded-cluster.ts";
import { ALLOW_CHAOS_KEY, resolveKubernetesTarget, type KubernetesTarget, type KubernetesTargetInput } from "../target/kubernetes-target.ts";
import { FakeKubeApi, type FakeKubeApiOptions } from "./fake-kube-api.ts";

export interface FakeClusterKit extends AsyncDisposable {
  fake: FakeKubeApi;
  cluster: GuardedCluster;
  target: KubernetesTarget;
  /** What the target logged (dry-run output). */
  logs: string[];
}

/** Labels the default workload selectors match. */
export const WORKLOAD_LABELS = {
  postgres: { "app.kubernetes.io/name": "postgresql" },
  s3: { "app.kubernetes.io/name": "minio" },
  pipeline: { "app.kubernetes.io/name": "scale" },
} as const;

export const DEFAULT_FAKE_OPTIONS: FakeKubeApiOptions = {
  namespaces: {
    chaos: { labels: { [ALLOW_CHAOS_KEY]: "true" } },
    data: { annotations: { [ALLOW_CHAOS_KEY]: "true" } },
    unmarked: { labels: { team: "data" } },
    prod: { labels: { [ALLOW_CHAOS_KEY]: "true" } },
  },
  nodes: { "node-a": { labels: { [ALLOW_CHAOS_KEY]: "true" } }, "node-b": {} },
  pods: [
    { namespace: "chaos", name: "postgres-0", labels: WORKLOAD_LABELS.postgres, ownerKind: "StatefulSet", nodeName: "node-a" },
    { namespace: "chaos", name: "minio-6b7c9-x2k4p", labels: WORKLOAD_LABELS.s3, ownerKind: "ReplicaSet", nodeName: "node-a" },
    { namespace: "chaos", name: "scale-pipeline-run-q8w3e", labels: WORKLOAD_LABELS.pipeline, ownerKind: "Job", nodeName: "node-b" },
    { namespace: "kube-system", name: "kube-proxy-abcde", labels: { k8s: "proxy" }, ownerKind: "DaemonSet", nodeName: "node-a" },
  ],
  injectDelayMs: 40,
  finalizerDelayMs: 80,
  recreateDelayMs: 40,
};

/** Starts the fake and a target on it (namespace "chaos"; allowed: chaos, data, unmarked); `target` overrides fields. */
export async function startFakeCluster(fakeOptions: FakeKubeApiOptions = {}, target: Partial<KubernetesTargetInput> = {}): Promise<FakeClusterKit> {
  const fake = await FakeKubeApi.start({ ...DEFAULT_FAKE_OPTIONS, ...fakeOptions });
  const logs: string[] = [];
  const resolved = resolveKubernetesTarget({
    kubeconfigPath: fake.kubeconfigPath,
    context: fake.context,
    namespace: "chaos",
    allowedNamespaces: ["chaos", "data", "unmarked"],
    injectTimeoutMs: 5_000,
    removeTimeoutMs: 5_000,
    log: (line) => logs.push(line),
    ...target,
  });
  const cluster = new GuardedCluster(KubeClient.fromKubeconfig(resolved), resolved);
  return {
    fake,
    cluster,
    target: resolved,
    logs,
    async [Symbol.asyncDispose]() {
      await cluster.tracker.removeAll().catch(() => undefined);
      await fake.stop();
    },
  };
}
