import { describe, expect, it } from "vitest";
import { FaultParameterError } from "../../core/index.ts";
import { CRD_DIR, CrdValidator, crdsAvailable } from "../testing/crd-validator.ts";
import type { ChaosMeshObject } from "./chaos-object.ts";
import { httpChaos } from "./http-chaos.ts";
import { ioChaos } from "./io-chaos.ts";
import { networkChaos } from "./network-chaos.ts";
import { podChaos } from "./pod-chaos.ts";
import { stressChaos } from "./stress-chaos.ts";

const postgres = { selector: { namespaces: ["chaos"], labelSelectors: { "app.kubernetes.io/name": "postgresql" } } };
const pipeline = { selector: { namespaces: ["chaos"], labelSelectors: { "app.kubernetes.io/name": "scale" } } };
const base = { name: "fault-1", namespace: "chaos", ...postgres };

/** One object per action and option the builders support. */
const EXAMPLES: [string, () => ChaosMeshObject][] = [
  ["pod-kill, one pod, grace 0", () => podChaos({ ...base, action: "pod-kill", mode: "one", gracePeriodSeconds: 0 })],
  ["pod-failure for 30 s, fixed 2 pods", () => podChaos({ ...base, action: "pod-failure", mode: "fixed", value: 2, durationMs: 30_000 })],
  ["container-kill, 50 %", () => podChaos({ ...base, action: "container-kill", containerNames: ["postgres"], mode: "fixed-percent", value: 50 })],
  [
    "delay 100±10 ms pipeline -> postgres, labels",
    () =>
      networkChaos({
        ...base,
        labels: { "chaos-control.io/run": "r1" },
        action: "delay",
        latencyMs: 100,
        jitterMs: 10,
        correlationPercent: 25,
        direction: "to",
        target: pipeline,
      }),
  ],
  ["delay 0.5 ms both ways", () => networkChaos({ ...base, action: "delay", latencyMs: 0.5, direction: "both" })],
  ["loss 30 %", () => networkChaos({ ...base, action: "loss", lossPercent: 30, mode: "random-max-percent", value: 80 })],
  ["duplicate 5 %", () => networkChaos({ ...base, action: "duplicate", duplicatePercent: 5 })],
  ["corrupt 1 %", () => networkChaos({ ...base, action: "corrupt", corruptPercent: 1, durationMs: 90_000 })],
  ["partition from pipeline", () => networkChaos({ ...base, action: "partition", direction: "both", target: { ...pipeline, mode: "one" } })],
  ["partition from an external host", () => networkChaos({ ...base, action: "partition", externalTargets: ["s3.amazonaws.com"] })],
  ["bandwidth 1 MB/s", () => networkChaos({ ...base, action: "bandwidth", rateBytesPerSecond: 1_000_000 })],
  ["stress cpu 2 workers at 80 %", () => stressChaos({ ...base, cpu: { workers: 2, loadPercent: 80 }, durationMs: 60_000 })],
  ["stress memory 256 MiB", () => stressChaos({ ...base, memory: { mebibytes: 256 }, containerNames: ["postgres"] })],
  ["stress cpu and 50 % memory", () => stressChaos({ ...base, cpu: { workers: 1 }, memory: { workers: 2, sizePercent: 50 } })],
  [
    "io latency 20 ms on the data volume",
    () =>
      ioChaos({
        ...base,
        action: "latency",
        volumePath: "/var/lib/postgresql/data",
        path: "/var/lib/postgresql/data/**/*",
        delayMs: 20,
        percent: 50,
        methods: ["read", "write", "fsync"],
      }),
  ],
  ["io fault EIO", () => ioChaos({ ...base, action: "fault", volumePath: "/data", errno: 5, containerNames: ["minio"] })],
  [
    "http 503 SlowDown with body",
    () =>
      httpChaos({
        ...base,
        port: 9000,
        target: "Response",
        path: "/midi/*",
        method: "GET",
        fault: { type: "replace", code: 503, body: "<Error><Code>SlowDown</Code></Error>", headers: { "Content-Type": "application/xml" } },
      }),
  ],
  ["http abort", () => httpChaos({ ...base, port: 9000, target: "Request", fault: { type: "abort" }, durationMs: 10_000 })],
  ["http delay 250 ms", () => httpChaos({ ...base, port: 9000, target: "Request", fault: { type: "delay", delayMs: 250 } })],
];

describe.skipIf(!crdsAvailable)(
  `Chaos Mesh objects against the CRD schemas in ${CRD_DIR}${crdsAvailable ? "" : " (skipped: CRD files not found; set CHAOS_MESH_CRD_DIR)"}`,
  () => {
    const validator = new CrdValidator();

    it.each(EXAMPLES)("%s is valid", (_name, build) => {
      const object = build();
      expect(validator.errors(object)).toEqual([]);
      expect(object.apiVersion).toBe("chaos-mesh.org/v1alpha1");
    });

    it("rejects deliberately wrong objects, so the check can fail", () => {
      const valid = networkChaos({ ...base, action: "delay", latencyMs: 100 });
      expect(validator.errors(valid)).toEqual([]);
      expect(validator.errors({ ...valid, spec: { ...valid.spec, mode: "some" } })).toEqual([
        expect.stringMatching(/^\/spec\/mode: must be equal to one of the allowed values/),
      ]);
      expect(validator.errors({ ...valid, spec: { ...valid.spec, delay: { latency: "100 ms" } } })).toEqual([
        expect.stringContaining("/spec/delay/latency: must match pattern"),
      ]);
      expect(validator.errors({ ...valid, spec: { ...valid.spec, delay: { latencyMs: 100 } } })).toEqual(
        expect.arrayContaining([expect.stringContaining("must have required property 'latency'"), expect.stringContaining("(latencyMs)")]),
      );
      const { selector: _selector, ...withoutSelector } = podChaos({ ...base, action: "pod-kill" }).spec;
      expect(validator.errors({ apiVersion: "chaos-mesh.org/v1alpha1", kind: "PodChaos", spec: withoutSelector } as never)).toEqual([
        expect.stringContaining("required property 'selector'"),
      ]);
      const http = httpChaos({ ...base, port: 9000, target: "Response", fault: { type: "replace", code: 503 } });
      expect(validator.errors({ ...http, spec: { ...http.spec, port: 2 ** 40 } })).toEqual([expect.stringContaining('/spec/port: must match format "int32"')]);
    });

    it("a stress of 8193 workers fails the schema, which is why the builder caps it", () => {
      const object = stressChaos({ ...base, cpu: { workers: 8192 } });
      expect(validator.errors(object)).toEqual([]);
      expect(validator.errors({ ...object, spec: { ...object.spec, stressors: { cpu: { workers: 8193 } } } })).toEqual([
        expect.stringContaining("must be <= 8192"),
      ]);
    });
  },
);

describe("Chaos Mesh object builders", () => {
  it("write Go durations and percentages as Chaos Mesh reads them", () => {
    const delay = networkChaos({ ...base, action: "delay", latencyMs: 1.5, jitterMs: 0, durationMs: 90_000 });
    expect(delay.spec).toMatchObject({ action: "delay", mode: "all", direction: "to", duration: "90000ms", delay: { latency: "1500us", jitter: "0ms" } });
    expect(networkChaos({ ...base, action: "loss", lossPercent: 100 }).spec.loss).toEqual({ loss: "100" });
    expect(networkChaos({ ...base, action: "bandwidth", rateBytesPerSecond: 125_000 }).spec.bandwidth).toEqual({
      rate: "125000bps",
      limit: 20_971_520,
      buffer: 10_000,
    });
    expect(podChaos({ ...base, action: "pod-kill", mode: "fixed", value: 2 }).spec).toEqual({
      action: "pod-kill",
      mode: "fixed",
      value: "2",
      selector: postgres.selector,
    });
    expect(httpChaos({ ...base, port: 9000, target: "Response", fault: { type: "replace", body: "hi" } }).spec.replace).toEqual({ body: "aGk=" });
  });

  it.each<[string, () => unknown, string]>([
    ["a name with capitals", () => podChaos({ ...base, name: "Kill", action: "pod-kill" }), "name"],
    ["no namespaces to select in", () => podChaos({ ...base, selector: { namespaces: [] }, action: "pod-kill" }), "selector.namespaces"],
    [
      "a bad label value",
      () => podChaos({ ...base, selector: { namespaces: ["chaos"], labelSelectors: { app: "a b" } }, action: "pod-kill" }),
      "selector.labelSelectors.app",
    ],
    ["fixed mode without value", () => podChaos({ ...base, mode: "fixed", action: "pod-kill" }), "value"],
    ["a value with mode all", () => podChaos({ ...base, mode: "all", value: 3, action: "pod-kill" }), "value"],
    ["a percentage above 100", () => podChaos({ ...base, mode: "fixed-percent", value: 150, action: "pod-kill" }), "value"],
    ["pod-failure without duration", () => podChaos({ ...base, action: "pod-failure" }), "durationMs"],
    ["container-kill without containers", () => podChaos({ ...base, action: "container-kill" }), "containerNames"],
    ["a grace period on pod-failure", () => podChaos({ ...base, action: "pod-failure", durationMs: 1000, gracePeriodSeconds: 3 }), "gracePeriodSeconds"],
    ["a negative latency", () => networkChaos({ ...base, action: "delay", latencyMs: -5 }), "latencyMs"],
    ["a loss above 100 %", () => networkChaos({ ...base, action: "loss", lossPercent: 120 }), "lossPercent"],
    ["a bad direction", () => networkChaos({ ...base, action: "partition", direction: "sideways" as never }), "direction"],
    [
      "a target without namespaces",
      () => networkChaos({ ...base, action: "partition", target: { selector: { namespaces: [] } } }),
      "target.selector.namespaces",
    ],
    ["a zero bandwidth", () => networkChaos({ ...base, action: "bandwidth", rateBytesPerSecond: 0 }), "rateBytesPerSecond"],
    ["a zero duration", () => networkChaos({ ...base, action: "partition", durationMs: 0 }), "durationMs"],
    ["no stressor", () => stressChaos({ ...base }), "cpu"],
    ["too many cpu workers", () => stressChaos({ ...base, cpu: { workers: 9000 } }), "cpu.workers"],
    ["memory in both units", () => stressChaos({ ...base, memory: { mebibytes: 10, sizePercent: 10 } }), "memory.mebibytes"],
    ["a relative volume path", () => ioChaos({ ...base, action: "latency", volumePath: "data", delayMs: 5 }), "volumePath"],
    ["an errno of 0", () => ioChaos({ ...base, action: "fault", volumePath: "/data", errno: 0 }), "errno"],
    ["a status code on a request", () => httpChaos({ ...base, port: 9000, target: "Request", fault: { type: "replace", code: 503 } }), "target"],
    ["a port out of range", () => httpChaos({ ...base, port: 70_000, target: "Request", fault: { type: "abort" } }), "port"],
    ["an empty replace", () => httpChaos({ ...base, port: 9000, target: "Response", fault: { type: "replace" } }), "fault"],
  ])("refuse %s, naming the field", (_name, build, field) => {
    let thrown: unknown;
    try {
      build();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(FaultParameterError);
    expect((thrown as FaultParameterError).field).toBe(field);
    expect((thrown as Error).message).toContain(field);
  });
});
