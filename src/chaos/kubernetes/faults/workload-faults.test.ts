import { describe, expect, it } from "vitest";
import { FaultParameterError, UnsupportedFaultError } from "../../core/index.ts";
import { FakeFaultLibrary } from "../../testing/index.ts";
import { CrdValidator, crdsAvailable } from "../testing/crd-validator.ts";
import { DEFAULT_FAKE_OPTIONS, startFakeCluster, WORKLOAD_LABELS, type FakeClusterKit } from "../testing/fake-cluster-kit.ts";
import type { FakePodInput } from "../testing/fake-pods.ts";
import { KubernetesFaultLibrary } from "./kubernetes-fault-library.ts";
import { kubernetesFaults } from "./kubernetes-faults.ts";

/** Bitnami's replication architecture: one primary and two read replicas, all `app.kubernetes.io/name=postgresql`. */
const BITNAMI_POSTGRES: FakePodInput[] = [
  {
    namespace: "chaos",
    name: "scale-postgresql-primary-0",
    labels: { ...WORKLOAD_LABELS.postgres, "app.kubernetes.io/component": "primary" },
    ownerKind: "StatefulSet",
  },
  {
    namespace: "chaos",
    name: "scale-postgresql-read-0",
    labels: { ...WORKLOAD_LABELS.postgres, "app.kubernetes.io/component": "read" },
    ownerKind: "StatefulSet",
  },
  {
    namespace: "chaos",
    name: "scale-postgresql-read-1",
    labels: { ...WORKLOAD_LABELS.postgres, "app.kubernetes.io/component": "read" },
    ownerKind: "StatefulSet",
  },
];
const WITH_REPLICAS = { pods: [...DEFAULT_FAKE_OPTIONS.pods!.filter((pod) => pod.name !== "postgres-0"), ...BITNAMI_POSTGRES] };
const pipeline = { namespaces: ["chaos"], labelSelectors: { "app.kubernetes.io/name": "scale" } };

function posted(kit: FakeClusterKit): { kind: string; metadata: { name: string }; spec: Record<string, unknown> }[] {
  return kit.fake.requestsMatching("POST", "/apis/chaos-mesh.org/").map((request) => request.body as never);
}

describe("packetLoss: NetworkChaos loss between a workload's pods and the pipeline's", () => {
  const validator = crdsAvailable ? new CrdValidator() : undefined;

  it("90% loss to one Postgres read replica selects exactly one replica, never the primary", async () => {
    await using kit = await startFakeCluster(WITH_REPLICAS);
    await using library = new KubernetesFaultLibrary({ cluster: kit.cluster });
    const handle = await library.packetLoss("postgres-replica", { percent: 90, correlation: 25, pods: "one" });

    const [object] = posted(kit);
    expect(object?.kind).toBe("NetworkChaos");
    expect(object?.spec).toMatchObject({
      action: "loss",
      direction: "both",
      mode: "one",
      selector: { namespaces: ["chaos"], labelSelectors: { "app.kubernetes.io/name": "postgresql", "app.kubernetes.io/component": "read" } },
      target: { mode: "all", selector: pipeline },
      loss: { loss: "90", correlation: "25" },
    });
    if (validator) expect(validator.errors(object!)).toEqual([]);
    expect(handle.observations.selectedPods).toEqual([expect.stringMatching(/^chaos\/scale-postgresql-read-\d$/)]);
    expect(handle.description).toMatchObject({ kind: "network/loss", cause: "equipment-failure" });

    await library.removeAll();
    expect(kit.fake.store.list("chaos-mesh.org/v1alpha1/networkchaos")).toEqual([]);
  });

  it("without `pods`, every pod of the workload is selected and the correlation is left out", async () => {
    await using kit = await startFakeCluster(WITH_REPLICAS);
    await using library = new KubernetesFaultLibrary({ cluster: kit.cluster });
    const handle = await library.packetLoss("postgres-replica", { percent: 30 });
    const spec = posted(kit)[0]!.spec;
    expect(spec).toMatchObject({ mode: "all", loss: { loss: "30" } });
    expect(spec.loss).not.toHaveProperty("correlation");
    if (validator) expect(validator.errors(posted(kit)[0]!)).toEqual([]);
    expect([...(handle.observations.selectedPods as string[])].sort()).toEqual(["chaos/scale-postgresql-read-0", "chaos/scale-postgresql-read-1"]);
  });

  it.each<[string, Parameters<KubernetesFaultLibrary["packetLoss"]>, string]>([
    ["0% (drops nothing)", ["postgres", { percent: 0 }], "percent"],
    ["more than 100%", ["postgres", { percent: 101 }], "percent"],
    ["a correlation above 100", ["postgres", { percent: 50, correlation: 150 }], "correlation"],
    ["the pipeline against itself", ["pipeline", { percent: 50 }], "workload"],
    ["an unknown pod choice", ["postgres", { percent: 50, pods: "some" as never }], "pods"],
  ])("refuses %s before sending anything, naming the field", async (_name, [workload, options], field) => {
    await using kit = await startFakeCluster();
    await using library = new KubernetesFaultLibrary({ cluster: kit.cluster });
    const error = await library.packetLoss(workload, options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FaultParameterError);
    expect((error as FaultParameterError).field).toBe(field);
    expect(kit.fake.requestsMatching("POST")).toEqual([]);
  });
});

describe("stress: StressChaos CPU workers in any workload's pods", () => {
  const validator = crdsAvailable ? new CrdValidator() : undefined;

  it("puts the workers in Postgres's pods, bounded by the target's longest fault", async () => {
    await using kit = await startFakeCluster();
    await using library = new KubernetesFaultLibrary({ cluster: kit.cluster });
    const handle = await library.stress("postgres", { cpuWorkers: 2, cpuLoad: 80 });
    const [object] = posted(kit);
    expect(object?.kind).toBe("StressChaos");
    expect(object?.spec).toMatchObject({
      mode: "all",
      selector: { namespaces: ["chaos"], labelSelectors: WORKLOAD_LABELS.postgres },
      duration: `${kit.target.maxFaultDurationMs}ms`,
      stressors: { cpu: { workers: 2, load: 80 } },
    });
    if (validator) expect(validator.errors(object!)).toEqual([]);
    expect(handle.observations.selectedPods).toEqual(["chaos/postgres-0"]);
    expect(handle.description).toMatchObject({ kind: "cpu-pressure", cause: "overload" });
    await handle.remove();
    expect(kit.fake.store.list("chaos-mesh.org/v1alpha1/stresschaos")).toEqual([]);
  });

  it.each<[string, Parameters<KubernetesFaultLibrary["stress"]>[1], string]>([
    ["no worker", { cpuWorkers: 0 }, "cpuWorkers"],
    ["a fractional worker", { cpuWorkers: 1.5 }, "cpuWorkers"],
    ["a load of 0%", { cpuWorkers: 1, cpuLoad: 0 }, "cpuLoad"],
    ["a load above 100%", { cpuWorkers: 1, cpuLoad: 120 }, "cpuLoad"],
  ])("refuses %s before sending anything, naming the field", async (_name, options, field) => {
    await using kit = await startFakeCluster();
    await using library = new KubernetesFaultLibrary({ cluster: kit.cluster });
    await expect(library.stress("postgres", options)).rejects.toThrow(expect.objectContaining({ field }));
    expect(kit.fake.requestsMatching("POST")).toEqual([]);
  });

  it("in dry-run, both new faults are printed and nothing is written", async () => {
    await using kit = await startFakeCluster({}, { dryRun: true });
    await using library = new KubernetesFaultLibrary({ cluster: kit.cluster });
    await library.packetLoss("postgres-replica", { percent: 90, pods: "one" });
    await library.stress("postgres", { cpuWorkers: 1 });
    await library.removeAll();
    expect(kit.fake.requests.filter((request) => request.method !== "GET")).toEqual([]);
    expect(library.planned.map((write) => `${write.verb} ${write.kind} ${write.name}`)).toEqual([
      expect.stringMatching(/^create NetworkChaos loss-postgres-replica-\w+-1$/),
      expect.stringMatching(/^create StressChaos stress-postgres-\w+-2$/),
    ]);
  });
});

describe("kubernetesFaults", () => {
  it("gives the Kubernetes library back, typed, and refuses any other with a reason that makes the scenario skip", async () => {
    await using kit = await startFakeCluster();
    const library = new KubernetesFaultLibrary({ cluster: kit.cluster });
    expect(kubernetesFaults(library)).toBe(library);

    const error = (() => {
      try {
        return kubernetesFaults(new FakeFaultLibrary({}));
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(UnsupportedFaultError);
    expect((error as Error).message).toBe(
      "a Chaos Mesh fault is not available on the selected environment: it needs CHAOS_ENV=kubernetes and a cluster with Chaos Mesh (this environment's faults come from a FakeFaultLibrary)",
    );
  });
});
