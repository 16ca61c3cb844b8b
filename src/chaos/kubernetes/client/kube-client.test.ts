import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CHAOS_MESH_GROUP, CHAOS_MESH_VERSION } from "../chaos-mesh/chaos-object.ts";
import { podChaos } from "../chaos-mesh/pod-chaos.ts";
import { KubernetesApiError, KubernetesConfigError } from "../errors.ts";
import { FakeKubeApi } from "../testing/fake-kube-api.ts";
import { KubeClient } from "./kube-client.ts";
import type { WatchEvent } from "./object-watch.ts";

const PODCHAOS = { group: CHAOS_MESH_GROUP, version: CHAOS_MESH_VERSION, plural: "podchaos" };

describe("KubeClient against the fake API server", () => {
  let fake: FakeKubeApi;
  let client: KubeClient;

  beforeEach(async () => {
    fake = await FakeKubeApi.start({
      namespaces: { chaos: { labels: { team: "data" } } },
      nodes: { "node-a": {} },
      pods: [
        { namespace: "chaos", name: "postgres-0", labels: { app: "postgres" }, ownerKind: "StatefulSet" },
        { namespace: "chaos", name: "minio-7d9f-abcde", labels: { app: "minio" }, ownerKind: "ReplicaSet" },
      ],
      injectDelayMs: 20,
      finalizerDelayMs: 60,
    });
    client = KubeClient.fromKubeconfig({ kubeconfigPath: fake.kubeconfigPath, context: fake.context });
  });
  afterEach(() => fake.stop());

  it("reads the kubeconfig's context and refuses one it does not have, naming the field", () => {
    expect(client.context).toBe("fake-cluster");
    expect(() => KubeClient.fromKubeconfig({ kubeconfigPath: fake.kubeconfigPath, context: "prod" })).toThrow(KubernetesConfigError);
    expect(() => KubeClient.fromKubeconfig({ kubeconfigPath: fake.kubeconfigPath, context: "prod" })).toThrow(
      /context "prod" is not in the kubeconfig \(has: fake-cluster\)/,
    );
  });

  it("reads namespaces with their labels; a missing one is undefined", async () => {
    expect((await client.readNamespace("chaos"))?.metadata?.labels).toEqual({ team: "data" });
    expect(await client.readNamespace("prod")).toBeUndefined();
  });

  it("creates, gets, lists, watches and deletes custom objects, waiting out the finalizer", async () => {
    const object = podChaos({
      name: "kill-1",
      namespace: "chaos",
      action: "pod-kill",
      selector: { namespaces: ["chaos"], labelSelectors: { app: "postgres" } },
    });
    const created = await client.createCustomObject(PODCHAOS, "chaos", object);
    expect(created.metadata?.resourceVersion).toBeDefined();
    const events: WatchEvent<{ status?: { conditions?: { type: string; status: string }[] } }>[] = [];
    const watch = await client.watchCustomObject<{ status?: { conditions?: { type: string; status: string }[] } }>(
      PODCHAOS,
      "chaos",
      "kill-1",
      created.metadata?.resourceVersion,
      (event) => events.push(event),
    );
    try {
      expect((await client.listCustomObjects(PODCHAOS, "chaos")).map((item) => item.metadata?.name)).toEqual(["kill-1"]);
      await expect.poll(() => events.some((event) => event.object.status?.conditions?.some((c) => c.type === "AllInjected" && c.status === "True"))).toBe(true);
      expect(await client.deleteCustomObject(PODCHAOS, "chaos", "kill-1")).toBe(true);
      expect(await client.getCustomObject(PODCHAOS, "chaos", "kill-1")).toBeDefined();
      await expect.poll(() => client.getCustomObject(PODCHAOS, "chaos", "kill-1")).toBeUndefined();
      await expect.poll(() => events.map((event) => event.type).at(-1)).toBe("DELETED");
      expect(await client.deleteCustomObject(PODCHAOS, "chaos", "kill-1")).toBe(false);
    } finally {
      watch.stop();
    }
  });

  it("turns API errors into KubernetesApiError with the operation, status and the server's message", async () => {
    const object = podChaos({ name: "dup", namespace: "chaos", action: "pod-kill", selector: { namespaces: ["chaos"] } });
    await client.createCustomObject(PODCHAOS, "chaos", object);
    const error = await client.createCustomObject(PODCHAOS, "chaos", object).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KubernetesApiError);
    expect(error).toMatchObject({ status: 409, fault: "client", retryable: false });
    expect((error as Error).message).toBe('create podchaos chaos/dup failed (HTTP 409): podchaos "dup" already exists');
  });

  it("lists pods by label, deletes one with grace period 0, evicts another", async () => {
    expect((await client.listPods("chaos", "app=postgres")).map((pod) => pod.metadata?.name)).toEqual(["postgres-0"]);
    expect(await client.deletePod("chaos", "postgres-0", 0)).toBe(true);
    expect(fake.requestsMatching("DELETE", "/pods/postgres-0")[0]?.query.gracePeriodSeconds).toBe("0");
    expect(await client.readPod("chaos", "postgres-0")).toBeUndefined();
    await client.evictPod("chaos", "minio-7d9f-abcde");
    expect(fake.requestsMatching("POST", "/pods/minio-7d9f-abcde/eviction")).toHaveLength(1);
    await expect.poll(() => client.readPod("chaos", "minio-7d9f-abcde")).toBeUndefined();
  });

  it("cordons and uncordons a node with a merge patch of spec.unschedulable", async () => {
    await client.setUnschedulable("node-a", true);
    expect(fake.node("node-a")?.spec).toEqual({ unschedulable: true });
    await client.setUnschedulable("node-a", false);
    expect(fake.node("node-a")?.spec).toEqual({ unschedulable: false });
  });
});
