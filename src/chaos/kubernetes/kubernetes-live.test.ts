/**
 * Against a real cluster with Chaos Mesh installed: runs only when
 * KUBECONFIG_CHAOS names a kubeconfig, with CHAOS_NAMESPACE and
 * CHAOS_ALLOWED_NAMESPACES set (see README.md here) and the namespace labelled
 * chaos-control.io/allow-chaos=true. Otherwise the suite is skipped and says why.
 */
import { describe, expect, it } from "vitest";
import { CHAOS_MESH_GROUP, CHAOS_MESH_VERSION } from "./chaos-mesh/chaos-object.ts";
import { KubeClient } from "./client/kube-client.ts";
import { ChaosRefusedError } from "./errors.ts";
import type { ChaosFaultObservations } from "./faults/chaos-fault.ts";
import { KubernetesFaultLibrary } from "./faults/kubernetes-fault-library.ts";
import { GuardedCluster } from "./target/guarded-cluster.ts";
import { kubernetesTargetFromEnv } from "./target/target-from-env.ts";

const kubeconfig = process.env.KUBECONFIG_CHAOS;
const SKIP_REASON =
  "skipped: no cluster; set KUBECONFIG_CHAOS to a kubeconfig (plus CHAOS_NAMESPACE and CHAOS_ALLOWED_NAMESPACES) to run against a cluster with Chaos Mesh";

function liveCluster(dryRun = false): GuardedCluster {
  const target = kubernetesTargetFromEnv({
    ...process.env,
    CHAOS_KUBECONFIG: process.env.CHAOS_KUBECONFIG ?? kubeconfig,
    ...(dryRun ? { CHAOS_DRY_RUN: "true" } : {}),
  });
  return new GuardedCluster(KubeClient.fromKubeconfig(target), target);
}

describe.skipIf(!kubeconfig)(kubeconfig ? "Chaos Mesh on the cluster of KUBECONFIG_CHAOS" : SKIP_REASON, () => {
  it("passes the safety check on the target namespace and refuses kube-system", async () => {
    const cluster = liveCluster();
    await cluster.checkNamespace(cluster.target.namespace);
    await expect(cluster.checkNamespace("kube-system")).rejects.toThrow(ChaosRefusedError);
  });

  it("partitions Postgres from the pipeline: AllInjected, then deleted and gone", async () => {
    const cluster = liveCluster();
    await using faults = new KubernetesFaultLibrary({ cluster });
    const handle = await faults.partition("postgres");
    const observations = handle.observations as unknown as ChaosFaultObservations;
    expect(observations.selectedPods?.length).toBeGreaterThan(0);
    await handle.remove();
    expect(observations.goneAfterMs).toBeGreaterThanOrEqual(0);
    const [, name] = observations.object.split("/");
    const resource = { group: CHAOS_MESH_GROUP, version: CHAOS_MESH_VERSION, plural: "networkchaos" };
    expect(await cluster.client.getCustomObject(resource, cluster.target.namespace, name!)).toBeUndefined();
  }, 180_000);

  it("dry-run writes nothing to the cluster", async () => {
    const cluster = liveCluster(true);
    await using faults = new KubernetesFaultLibrary({ cluster });
    const handle = await faults.kill("postgres");
    expect(handle.observations.dryRun).toBe(true);
    const resource = { group: CHAOS_MESH_GROUP, version: CHAOS_MESH_VERSION, plural: "podchaos" };
    const [, name] = String(handle.observations.object).replace(" (dry-run)", "").split("/");
    expect(await cluster.client.getCustomObject(resource, cluster.target.namespace, name!)).toBeUndefined();
  });
});
