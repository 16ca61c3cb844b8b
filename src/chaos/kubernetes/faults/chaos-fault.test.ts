import { describe, expect, it } from "vitest";
import { WaitTimeoutError } from "../../core/index.ts";
import { networkChaos } from "../chaos-mesh/network-chaos.ts";
import { podChaos } from "../chaos-mesh/pod-chaos.ts";
import { NothingSelectedError } from "../errors.ts";
import { startFakeCluster, WORKLOAD_LABELS } from "../testing/fake-cluster-kit.ts";
import { injectChaos, type ChaosFaultObservations } from "./chaos-fault.ts";

const postgres = { selector: { namespaces: ["chaos"], labelSelectors: { ...WORKLOAD_LABELS.postgres } } };
const fault = { kind: "network/partition", cause: "equipment-failure", target: "postgres", parameters: {} } as const;
const CHAOS_PATH = "/apis/chaos-mesh.org/v1alpha1/namespaces/chaos/networkchaos";

describe("a fault handle for a Chaos Mesh object", () => {
  it("takes injectedAt from AllInjected, and removal waits until the finalizer has let the object go", async () => {
    await using kit = await startFakeCluster({ injectDelayMs: 120, finalizerDelayMs: 150 });
    const requested = performance.now();
    const handle = await injectChaos(kit.cluster, networkChaos({ name: "cut", namespace: "chaos", action: "partition", ...postgres }), fault);
    const observations = handle.observations as unknown as ChaosFaultObservations;

    expect(handle.injectedAt - requested).toBeGreaterThanOrEqual(110);
    expect(observations.injectedAfterMs).toBeGreaterThanOrEqual(110);
    expect(observations.object).toBe("NetworkChaos chaos/cut");
    expect(observations.selectedPods).toEqual(["chaos/postgres-0"]);
    expect(observations.appliedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(observations.conditions?.filter((change) => change.type === "AllInjected").map((change) => change.status)).toEqual([false, true]);
    expect(handle.removedAt).toBeUndefined();

    const removing = performance.now();
    await handle.remove();
    expect(handle.removedAt! - removing).toBeGreaterThanOrEqual(140);
    expect(observations.goneAfterMs).toBeGreaterThanOrEqual(140);
    expect(observations.endedBy).toBe("removed");
    expect(observations.recoveredAt).toMatch(/^\d{4}-/);
    expect(kit.fake.store.list("chaos-mesh.org/v1alpha1/networkchaos")).toEqual([]);
    expect(kit.fake.requestsMatching("DELETE", CHAOS_PATH)).toHaveLength(1);
    expect(kit.fake.requestsMatching("GET", `${CHAOS_PATH}/cut`).length).toBeGreaterThan(1);
    expect(kit.cluster.tracker.ids).toEqual([]);

    await handle.remove();
    expect(kit.fake.requestsMatching("DELETE", CHAOS_PATH)).toHaveLength(1);
  });

  it("gives up when AllInjected never comes, naming the condition and the time, and deletes the object again", async () => {
    await using kit = await startFakeCluster({ neverInject: true }, { injectTimeoutMs: 300 });
    const error = await injectChaos(kit.cluster, networkChaos({ name: "stuck", namespace: "chaos", action: "partition", ...postgres }), fault).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toMatch(/^timed out after \d+ ms waiting for NetworkChaos chaos\/stuck to report AllInjected=True$/);
    expect(kit.fake.requestsMatching("DELETE", `${CHAOS_PATH}/stuck`)).toHaveLength(1);
    expect(kit.fake.store.list("chaos-mesh.org/v1alpha1/networkchaos")).toEqual([]);
    expect(kit.cluster.tracker.ids).toEqual([]);
  });

  it("refuses an object that selected no pods and deletes it", async () => {
    await using kit = await startFakeCluster();
    const nobody = { selector: { namespaces: ["chaos"], labelSelectors: { app: "nobody" } } };
    await expect(injectChaos(kit.cluster, podChaos({ name: "kill-nobody", namespace: "chaos", action: "pod-kill", ...nobody }), fault)).rejects.toThrow(
      NothingSelectedError,
    );
    expect(kit.fake.store.list("chaos-mesh.org/v1alpha1/podchaos")).toEqual([]);
  });

  it("removes itself when Chaos Mesh reports AllRecovered because the duration ran out", async () => {
    await using kit = await startFakeCluster();
    const handle = await injectChaos(kit.cluster, podChaos({ name: "fail", namespace: "chaos", action: "pod-failure", durationMs: 150, ...postgres }), fault);
    expect(kit.fake.pods("chaos").find((pod) => pod.metadata.name === "postgres-0")?.status).toMatchObject({
      conditions: [{ type: "Ready", status: "False" }],
    });
    await expect.poll(() => handle.removedAt, { timeout: 3_000 }).toBeDefined();
    const observations = handle.observations as unknown as ChaosFaultObservations;
    expect(observations.endedBy).toBe("duration");
    expect(observations.recoveredAfterMs! - observations.injectedAfterMs!).toBeGreaterThanOrEqual(140);
    expect(kit.fake.store.list("chaos-mesh.org/v1alpha1/podchaos")).toEqual([]);
    expect(kit.fake.pods("chaos").find((pod) => pod.metadata.name === "postgres-0")?.status).toMatchObject({ conditions: [{ type: "Ready", status: "True" }] });
  });

  it("fails a removal the finalizer holds longer than removeTimeoutMs, and a later removal can finish it", async () => {
    await using kit = await startFakeCluster({ finalizerDelayMs: 600 }, { removeTimeoutMs: 150 });
    const handle = await injectChaos(kit.cluster, networkChaos({ name: "slow", namespace: "chaos", action: "partition", ...postgres }), fault);
    await expect(handle.remove()).rejects.toThrow(/waiting for NetworkChaos chaos\/slow to be gone after deletion/);
    expect(handle.removedAt).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await handle.remove();
    expect(handle.removedAt).toBeDefined();
  });
});
