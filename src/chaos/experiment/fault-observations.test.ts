import { describe, expect, expectTypeOf, it } from "vitest";
import type { FaultRecord } from "../core/index.ts";
import type { S3FaultedRequest } from "../faults/index.ts";
import { ofKind } from "./fault-observations.ts";

function record(kind: string, observations: Record<string, unknown>): FaultRecord {
  return {
    name: "busy CPU",
    kind,
    cause: "overload",
    target: "host cpu",
    parameters: {},
    trigger: "after 20 %",
    plannedDurationMs: 8_000,
    injectedAt: 1_000,
    removedAt: 9_000,
    recoveredAt: null,
    observations,
  };
}

describe("ofKind", () => {
  it("gives a record of the named kind its typed observations", () => {
    const typed = ofKind(record("cpu-pressure", { pids: [11, 12], cpuTimeMs: 7_000, ranMs: 8_000 }), "cpu-pressure");
    expect(typed.observations.cpuTimeMs).toBe(7_000);
    expect(typed.observations.pids).toEqual([11, 12]);
  });

  it("gives an S3 rule's record, hangs included, each faulted request with its occurrence", () => {
    const held = { operation: "ListObjectsV2" as const, bucket: "midi", key: undefined, occurrence: 2, at: 4_200, abandonedAt: 5_200 };
    const typed = ofKind(record("s3/hang", { requestsMatched: 3, requestsFaulted: 1, requestsAbandoned: 1, faulted: [held], endedBy: "window" }), "s3/hang");
    expectTypeOf(typed.observations.faulted).toEqualTypeOf<S3FaultedRequest[]>();
    expect(typed.observations.faulted.map((request) => [request.operation, request.occurrence, request.abandonedAt])).toEqual([["ListObjectsV2", 2, 5_200]]);
    expect(typed.observations.requestsAbandoned).toBe(1);
  });

  it("refuses an S3 rule injected on a cluster as HTTPChaos, which lists no faulted requests", () => {
    expect(() => ofKind(record("s3/error", { object: "HTTPChaos chaos/s3-1" }), "s3/error")).toThrow("was injected as HTTPChaos chaos/s3-1");
  });

  it("refuses a record of another kind, naming both", () => {
    expect(() => ofKind(record("memory-pressure", {}), "cpu-pressure")).toThrow('fault "busy CPU" is of kind memory-pressure, not cpu-pressure');
  });

  it("refuses a fault of that kind injected as a Chaos Mesh object, whose observations have another shape", () => {
    expect(() => ofKind(record("cpu-pressure", { object: "StressChaos chaos/cpu-1" }), "cpu-pressure")).toThrow("was injected as StressChaos chaos/cpu-1");
  });
});
