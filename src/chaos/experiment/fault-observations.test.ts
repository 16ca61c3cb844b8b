import { describe, expect, it } from "vitest";
import type { FaultRecord } from "../core/index.ts";
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

  it("refuses a record of another kind, naming both", () => {
    expect(() => ofKind(record("memory-pressure", {}), "cpu-pressure")).toThrow('fault "busy CPU" is of kind memory-pressure, not cpu-pressure');
  });

  it("refuses a fault of that kind injected as a Chaos Mesh object, whose observations have another shape", () => {
    expect(() => ofKind(record("cpu-pressure", { object: "StressChaos chaos/cpu-1" }), "cpu-pressure")).toThrow("was injected as StressChaos chaos/cpu-1");
  });
});
