import { describe, expect, it } from "vitest";
import { FaultParameterError, UnsupportedFaultError } from "../../core/index.ts";
import { ChaosRefusedError } from "../errors.ts";
import { CrdValidator, crdsAvailable } from "../testing/crd-validator.ts";
import { startFakeCluster, type FakeClusterKit } from "../testing/fake-cluster-kit.ts";
import type { ChaosFaultObservations } from "./chaos-fault.ts";
import { KubernetesFaultLibrary } from "./kubernetes-fault-library.ts";

const postgres = { namespaces: ["chaos"], labelSelectors: { "app.kubernetes.io/name": "postgresql" } };
const s3 = { namespaces: ["chaos"], labelSelectors: { "app.kubernetes.io/name": "minio" } };
const pipeline = { namespaces: ["chaos"], labelSelectors: { "app.kubernetes.io/name": "scale" } };

/** The chaos objects the fake was sent (POST bodies), in order. */
function posted(kit: FakeClusterKit): { kind: string; metadata: { name: string }; spec: Record<string, unknown> }[] {
  return kit.fake.requestsMatching("POST", "/apis/chaos-mesh.org/").map((request) => request.body as never);
}

describe("KubernetesFaultLibrary: which Chaos Mesh object each fault creates", () => {
  const validator = crdsAvailable ? new CrdValidator() : undefined;

  it.each<[string, (library: KubernetesFaultLibrary) => Promise<unknown>, string, Record<string, unknown>]>([
    ["kill", (library) => library.kill("postgres"), "PodChaos", { action: "pod-kill", mode: "all", gracePeriod: 0, selector: postgres }],
    ["stop", (library) => library.stop("s3"), "PodChaos", { action: "pod-failure", selector: s3, duration: "600000ms" }],
    ["pause for 2 s", (library) => library.pause("postgres", { durationMs: 2_000 }), "PodChaos", { action: "pod-failure", duration: "2000ms" }],
    [
      "toxic latency downstream",
      (library) => library.toxic("postgres", { type: "latency", attributes: { latency: 200, jitter: 20 } }),
      "NetworkChaos",
      { action: "delay", direction: "to", selector: postgres, target: { mode: "all", selector: pipeline }, delay: { latency: "200ms", jitter: "20ms" } },
    ],
    [
      "toxic latency upstream",
      (library) => library.toxic("s3", { type: "latency", stream: "upstream", attributes: { latency: 50 } }),
      "NetworkChaos",
      { action: "delay", selector: pipeline, target: { mode: "all", selector: s3 }, delay: { latency: "50ms" } },
    ],
    [
      "toxic bandwidth 100 KB/s",
      (library) => library.toxic("s3", { type: "bandwidth", attributes: { rate: 100 } }),
      "NetworkChaos",
      { action: "bandwidth", bandwidth: { rate: "100000bps", limit: 20_971_520, buffer: 10_000 } },
    ],
    [
      "toxic timeout",
      (library) => library.toxic("postgres", { type: "timeout", attributes: { timeout: 0 } }),
      "NetworkChaos",
      { action: "partition", direction: "both", target: { mode: "all", selector: pipeline } },
    ],
    [
      "partition",
      (library) => library.partition("s3"),
      "NetworkChaos",
      { action: "partition", direction: "both", selector: s3, target: { mode: "all", selector: pipeline } },
    ],
    [
      "s3 503 SlowDown on GetObject for 5 s",
      (library) => library.s3({ type: "error", status: 503, code: "SlowDown", forMs: 5_000, match: { operation: "GetObject", bucket: "midi" } }),
      "HTTPChaos",
      {
        target: "Response",
        port: 9000,
        method: "GET",
        path: "/midi/*",
        duration: "5000ms",
        replace: { code: 503, headers: { "Content-Type": "application/xml", "Retry-After": "1" }, body: expect.any(String) },
      },
    ],
    ["s3 latency", (library) => library.s3({ type: "latency", latencyMs: 300 }), "HTTPChaos", { target: "Request", port: 9000, delay: "300ms", selector: s3 }],
    [
      "cpu pressure",
      (library) => library.cpuPressure({ workers: 2, durationMs: 30_000 }),
      "StressChaos",
      { selector: pipeline, duration: "30000ms", stressors: { cpu: { workers: 2 } } },
    ],
    [
      "memory pressure",
      (library) => library.memoryPressure({ mebibytes: 256 }),
      "StressChaos",
      { selector: pipeline, stressors: { memory: { workers: 1, size: "256MiB" } } },
    ],
    [
      "volume latency",
      (library) => library.volumeFault("postgres", { action: "latency", volumePath: "/var/lib/postgresql/data", delayMs: 50 }),
      "IOChaos",
      { action: "latency", delay: "50ms", volumePath: "/var/lib/postgresql/data", selector: postgres },
    ],
  ])("%s", async (_name, inject, kind, spec) => {
    await using kit = await startFakeCluster();
    await using library = new KubernetesFaultLibrary({ cluster: kit.cluster, s3Port: 9000, readyTimeoutMs: 5_000 });
    const handle = await inject(library);
    const [object] = posted(kit);
    expect(object?.kind).toBe(kind);
    expect(object?.spec).toMatchObject(spec);
    expect(object?.metadata).toMatchObject({ namespace: "chaos", labels: { "app.kubernetes.io/managed-by": "chaos-control" } });
    if (validator) expect(validator.errors(object!)).toEqual([]);
    expect(library.injected).toEqual([handle]);
    await library.removeAll();
    expect(kit.fake.requestsMatching("DELETE", `/${object!.metadata.name}`)).toHaveLength(1);
  });

  it("a S3 error's body is the S3 XML error the SDK turns into its code", async () => {
    await using kit = await startFakeCluster();
    await using library = new KubernetesFaultLibrary({ cluster: kit.cluster, s3Port: 9000 });
    await library.s3({ type: "error", status: 500, code: "InternalError" });
    const body = Buffer.from((posted(kit)[0]!.spec.replace as { body: string }).body, "base64").toString();
    expect(body).toContain("<Code>InternalError</Code>");
    expect(body).toContain("<Message>We encountered an internal error. Please try again.</Message>");
  });

  it("kill removal waits until the replacement pods are Ready", async () => {
    await using kit = await startFakeCluster({ recreateDelayMs: 150 });
    await using library = new KubernetesFaultLibrary({ cluster: kit.cluster, readyTimeoutMs: 5_000 });
    const handle = await library.kill("postgres");
    expect(handle.description).toMatchObject({ kind: "process/kill", cause: "equipment-failure" });
    expect(handle.observations.selectedPods).toEqual(["chaos/postgres-0"]);
    expect(kit.fake.pods("chaos").map((pod) => pod.metadata.name)).not.toContain("postgres-0");
    await handle.remove();
    expect(handle.observations.readyPods).toEqual(["postgres-0"]);
    expect(handle.observations.readyAfterMs).toEqual(expect.any(Number));
  });

  it.each<[string, (library: KubernetesFaultLibrary) => Promise<unknown>, RegExp]>([
    ["reset_peer", (library) => library.toxic("postgres", { type: "reset_peer", attributes: { timeout: 0 } }), /toxic reset_peer .*cannot send a TCP RST/],
    ["slicer", (library) => library.toxic("s3", { type: "slicer", attributes: { average_size: 10 } }), /toxic slicer/],
    ["a toxicity below 1", (library) => library.toxic("s3", { type: "latency", toxicity: 0.5, attributes: { latency: 10 } }), /toxicity 0.5/],
    ["kill without restart", (library) => library.kill("postgres", { restartOnRemove: false }), /starts the pod again at once/],
    ["a truncated S3 body", (library) => library.s3({ type: "truncate", keepBytes: 10 }), /s3 truncate/],
    ["an S3 error on half the requests", (library) => library.s3({ type: "error", status: 503, code: "SlowDown", probability: 0.5 }), /probability 0.5/],
    [
      "an S3 fault on ListObjectsV2",
      (library) => library.s3({ type: "error", status: 503, code: "SlowDown", match: { operation: "ListObjectsV2" } }),
      /ListObjectsV2/,
    ],
    [
      "an S3 error on the 3rd GetObject only",
      (library) => library.s3({ type: "error", status: 403, code: "AccessDenied", occurrence: { nth: 3 }, match: { operation: "GetObject" } }),
      /occurrence \{"nth":3\}/,
    ],
    ["an S3 hang", (library) => library.s3({ type: "hang", match: { operation: "GetObject" } }), /s3 hang/],
    ["an S3 reset", (library) => library.s3({ type: "reset", match: { operation: "GetObject" } }), /s3 reset.*not mapped/],
    ["a lost COMMIT acknowledgement", (library) => library.postgres({ type: "commitAckLost" }), /postgres commitAckLost.*no protocol proxy/],
  ])("%s is unsupported, with the reason, and nothing is created", async (_name, inject, message) => {
    await using kit = await startFakeCluster();
    await using library = new KubernetesFaultLibrary({ cluster: kit.cluster, s3Port: 9000 });
    const error = await inject(library).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnsupportedFaultError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain("is not available on the kubernetes environment");
    expect(kit.fake.requestsMatching("POST")).toEqual([]);
  });

  it("S3 faults are unsupported when S3 is not in the cluster; exhaustConnections without a database URL too", async () => {
    await using kit = await startFakeCluster();
    await using library = new KubernetesFaultLibrary({ cluster: kit.cluster });
    await expect(library.s3({ type: "latency", latencyMs: 10 })).rejects.toThrow(/S3 endpoint is outside the cluster/);
    await expect(library.exhaustConnections()).rejects.toThrow(UnsupportedFaultError);
  });

  it("bad parameters are refused before anything is sent, naming the field", async () => {
    await using kit = await startFakeCluster();
    await using library = new KubernetesFaultLibrary({ cluster: kit.cluster });
    await expect(library.toxic("postgres", { type: "latency", attributes: { latency: -1 } })).rejects.toThrow(FaultParameterError);
    await expect(library.toxic("postgres", { type: "bandwidth", attributes: { rate: 0 } })).rejects.toThrow(/attributes.rate/);
    await expect(library.cpuPressure({ workers: 0 })).rejects.toThrow(/workers/);
    await expect(library.pause("s3", { durationMs: -5 })).rejects.toThrow(/durationMs/);
    expect(kit.fake.requestsMatching("POST")).toEqual([]);
  });
});

describe("KubernetesFaultLibrary: safety", () => {
  it("refuses a namespace that is allowed but lacks the allow-chaos mark, before writing anything", async () => {
    await using kit = await startFakeCluster({}, { namespace: "unmarked" });
    await using library = new KubernetesFaultLibrary({ cluster: kit.cluster });
    const error = await library.partition("postgres").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChaosRefusedError);
    expect((error as Error).message).toBe(
      'refusing chaos on namespace "unmarked": it lacks the label or annotation chaos-control.io/allow-chaos: "true" (kubectl label namespace unmarked chaos-control.io/allow-chaos=true)',
    );
    expect(kit.fake.requestsMatching("POST")).toEqual([]);
  });

  it("refuses a marked namespace that is not in the allowed list, also when only a selector points there", async () => {
    await using kit = await startFakeCluster({}, { workloads: { postgres: { namespace: "prod" } } });
    await using library = new KubernetesFaultLibrary({ cluster: kit.cluster });
    await expect(library.kill("postgres")).rejects.toThrow('refusing chaos on namespace "prod": it is not in the allowed namespaces (chaos, data, unmarked)');
    await expect(library.deletePods("postgres")).rejects.toThrow(ChaosRefusedError);
    const withDatabase = new KubernetesFaultLibrary({ cluster: kit.cluster, databaseUrl: "postgres://u:p@127.0.0.1:1/db" });
    await expect(withDatabase.exhaustConnections()).rejects.toThrow(ChaosRefusedError);
    expect(kit.fake.requestsMatching("POST")).toEqual([]);
    expect(kit.fake.requestsMatching("DELETE")).toEqual([]);
  });

  it("accepts the mark as an annotation, and refuses a namespace that does not exist", async () => {
    await using kit = await startFakeCluster({}, { workloads: { postgres: { namespace: "data" } } });
    await kit.cluster.checkNamespace("data");
    await expect(kit.cluster.checkNamespace("ghost")).rejects.toThrow(/not in the allowed namespaces/);
    await using other = await startFakeCluster({}, { allowedNamespaces: ["chaos", "ghost"] });
    await expect(other.cluster.checkNamespace("ghost")).rejects.toThrow('refusing chaos on namespace "ghost": it does not exist');
  });

  it("dry-run prints every object it would create and sends no write at all", async () => {
    await using kit = await startFakeCluster({}, { dryRun: true });
    await using library = new KubernetesFaultLibrary({ cluster: kit.cluster, s3Port: 9000, databaseUrl: "postgres://u:secret@127.0.0.1:1/db" });
    const handles = [
      await library.kill("postgres"),
      await library.toxic("s3", { type: "latency", attributes: { latency: 10 } }),
      await library.s3({ type: "error", status: 503, code: "SlowDown" }),
      await library.cpuPressure({ workers: 1 }),
      await library.exhaustConnections(),
      await library.deletePods("pipeline"),
      await library.drainNode("node-a"),
    ];
    expect(handles.every((handle) => handle.observations.dryRun === true)).toBe(true);
    await library.removeAll();
    expect(kit.fake.requests.filter((request) => request.method !== "GET")).toEqual([]);
    expect(library.planned.map((write) => `${write.verb} ${write.kind}`)).toEqual([
      "create PodChaos",
      "create NetworkChaos",
      "create HTTPChaos",
      "create StressChaos",
      "delete Pod",
      "cordon Node",
      "evict Pod",
      "evict Pod",
      "uncordon Node",
    ]);
    expect(kit.logs[0]).toMatch(/^\[dry-run\] would create PodChaos chaos\/kill-postgres-\w+-1:\n {4}apiVersion: chaos-mesh.org\/v1alpha1\n {4}kind: PodChaos/);
    expect(kit.logs.join("\n")).not.toContain("secret");
    expect(kit.logs.filter((line) => line.startsWith("[dry-run] would delete"))).toHaveLength(5);
  });

  it("dry-run still refuses what the safety rules refuse", async () => {
    await using kit = await startFakeCluster({}, { dryRun: true, namespace: "unmarked" });
    await using library = new KubernetesFaultLibrary({ cluster: kit.cluster });
    await expect(library.kill("postgres")).rejects.toThrow(ChaosRefusedError);
    expect(kit.logs).toEqual([]);
  });

  it("removeAll takes back every fault, all attempted even when one fails", async () => {
    await using kit = await startFakeCluster();
    await using library = new KubernetesFaultLibrary({ cluster: kit.cluster, s3Port: 9000 });
    await library.partition("postgres");
    await library.cpuPressure({ workers: 1 });
    await library.s3({ type: "latency", latencyMs: 5 });
    expect(kit.cluster.tracker.ids).toHaveLength(3);
    await library.removeAll();
    expect(kit.cluster.tracker.ids).toEqual([]);
    expect(library.injected.every((handle) => handle.removedAt !== undefined)).toBe(true);
    for (const kind of ["networkchaos", "stresschaos", "httpchaos"]) expect(kit.fake.store.list(`chaos-mesh.org/v1alpha1/${kind}`)).toEqual([]);
    expect((library.injected[0]!.observations as unknown as ChaosFaultObservations).goneAfterMs).toBeGreaterThanOrEqual(70);
  });
});

describe("KubernetesFaultLibrary: core API faults (no Chaos Mesh needed)", () => {
  it("deletePods deletes a workload's pods at once and removal waits for the replacements", async () => {
    await using kit = await startFakeCluster();
    await using library = new KubernetesFaultLibrary({ cluster: kit.cluster, readyTimeoutMs: 5_000 });
    const handle = await library.deletePods("s3");
    expect(handle.observations.deletedPods).toEqual(["chaos/minio-6b7c9-x2k4p"]);
    expect(kit.fake.requestsMatching("DELETE", "/pods/minio-6b7c9-x2k4p")[0]?.query).toEqual({ gracePeriodSeconds: "0" });
    await handle.remove();
    expect(handle.observations.readyPods).toEqual([expect.stringMatching(/^minio-6b7c9-[0-9a-f]{5}$/)]);
    expect(handle.observations.readyPods).not.toEqual(["minio-6b7c9-x2k4p"]);
  });

  it("deletePods with a grace period is stamped once the pods are gone, not when the deletion was accepted", async () => {
    await using kit = await startFakeCluster();
    await using library = new KubernetesFaultLibrary({ cluster: kit.cluster, readyTimeoutMs: 5_000 });
    const handle = await library.deletePods("s3", { gracePeriodSeconds: 1 });
    expect(await kit.cluster.client.readPod("chaos", "minio-6b7c9-x2k4p")).toBeUndefined();
    expect(handle.observations.goneAfterMs).toBeGreaterThan(0);
    await handle.remove();
  });

  it("cordon marks the node unschedulable until removal", async () => {
    await using kit = await startFakeCluster();
    await using library = new KubernetesFaultLibrary({ cluster: kit.cluster });
    const handle = await library.cordonNode("node-a");
    expect(kit.fake.node("node-a")?.spec).toEqual({ unschedulable: true });
    await handle.remove();
    expect(kit.fake.node("node-a")?.spec).toEqual({ unschedulable: false });
  });

  it("drain evicts every pod but DaemonSet ones, retries while a disruption budget refuses, and removal uncordons", async () => {
    await using kit = await startFakeCluster({ evictionRefusals: { "chaos/postgres-0": 2 } });
    await using library = new KubernetesFaultLibrary({ cluster: kit.cluster });
    const handle = await library.drainNode("node-a", { timeoutMs: 10_000 });
    expect(handle.observations).toMatchObject({
      evicted: expect.arrayContaining(["chaos/postgres-0", "chaos/minio-6b7c9-x2k4p"]),
      skipped: [{ pod: "kube-system/kube-proxy-abcde", reason: "DaemonSet pod" }],
      refusals: 2,
    });
    expect(kit.fake.requestsMatching("POST", "/eviction").map((request) => request.path)).toHaveLength(4);
    const onNode = (node: string) =>
      kit.fake
        .pods()
        .filter((pod) => (pod.spec as { nodeName: string }).nodeName === node)
        .map((pod) => pod.metadata.name);
    await expect.poll(() => onNode("node-a-replacement")).toHaveLength(2);
    expect(onNode("node-a")).toEqual(["kube-proxy-abcde"]);
    expect(kit.fake.node("node-a")?.spec).toEqual({ unschedulable: true });
    await handle.remove();
    expect(kit.fake.node("node-a")?.spec).toEqual({ unschedulable: false });
  });

  it("a drain a disruption budget blocks past its timeout fails and leaves the node uncordoned", async () => {
    await using kit = await startFakeCluster({ evictionRefusals: { "chaos/postgres-0": 1_000 } });
    await using library = new KubernetesFaultLibrary({ cluster: kit.cluster });
    await expect(library.drainNode("node-a", { timeoutMs: 700 })).rejects.toThrow(
      "draining node node-a: a disruption budget kept refusing to evict chaos/postgres-0 for 700 ms",
    );
    expect(kit.fake.node("node-a")?.spec).toEqual({ unschedulable: false });
    expect(library.injected).toEqual([]);
  });

  it("refuses to cordon or drain a node without the allow-chaos mark", async () => {
    await using kit = await startFakeCluster();
    await using library = new KubernetesFaultLibrary({ cluster: kit.cluster });
    await expect(library.drainNode("node-b")).rejects.toThrow(
      'refusing chaos on node "node-b": it lacks the label or annotation chaos-control.io/allow-chaos: "true"',
    );
    await expect(library.cordonNode("node-c")).rejects.toThrow("it does not exist");
    expect(kit.fake.requestsMatching("PATCH")).toEqual([]);
    expect(kit.fake.requestsMatching("POST")).toEqual([]);
  });
});
