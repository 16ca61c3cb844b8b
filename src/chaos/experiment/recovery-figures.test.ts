import { describe, expect, it } from "vitest";
import type { ProbeSample } from "../core/index.ts";
import { detectionAfter, recoveryAfter } from "./recovery-figures.ts";

const PROBES = new Set(["throughput", "latency"]);

/** One tick per entry: `[at, ok]` for the throughput probe alone. */
function ticks(...entries: [at: number, ok: boolean][]): ProbeSample[] {
  return entries.map(([at, ok]) => ({ probe: "throughput", at, phase: "during", value: ok ? 10 : 0, ok }));
}

describe("recoveryAfter", () => {
  it("is the time from removal to the first tick after which every tick within the stable window held", () => {
    const samples = ticks([100, false], [200, false], [300, true], [400, true], [500, true], [600, true]);
    expect(recoveryAfter(samples, PROBES, 150, 250)).toBe(150);
  });

  it("ignores ticks before the removal, even healthy ones", () => {
    const samples = ticks([100, true], [200, false], [300, true], [400, true]);
    expect(recoveryAfter(samples, PROBES, 150, 100)).toBe(150);
  });

  it("does not count a healthy tick that flapped back within the stable window", () => {
    const samples = ticks([100, true], [200, false], [300, true], [400, false], [500, true], [600, true], [700, true], [800, true]);
    expect(recoveryAfter(samples, PROBES, 0, 250)).toBe(500);
  });

  it("counts a failure just outside the stable window as a new deviation, not a flap", () => {
    const samples = ticks([100, true], [200, true], [400, false]);
    expect(recoveryAfter(samples, PROBES, 0, 250)).toBe(100);
  });

  it("accepts a healthy tail shorter than the window when sampling ended there", () => {
    const samples = ticks([100, false], [200, true]);
    expect(recoveryAfter(samples, PROBES, 0, 1_000)).toBe(200);
  });

  it("is null when the steady state never held again", () => {
    expect(recoveryAfter(ticks([100, false], [200, false], [300, false]), PROBES, 0, 100)).toBeNull();
  });

  it("is null with no sample after the removal, or none at all", () => {
    expect(recoveryAfter(ticks([100, true]), PROBES, 150, 100)).toBeNull();
    expect(recoveryAfter([], PROBES, 0, 100)).toBeNull();
  });

  it("needs every probe of a tick to hold, and ignores probes outside the hypothesis", () => {
    const samples: ProbeSample[] = [
      { probe: "throughput", at: 100, phase: "during", value: 10, ok: true },
      { probe: "latency", at: 100, phase: "during", value: 900, ok: false },
      { probe: "throughput", at: 200, phase: "during", value: 10, ok: true },
      { probe: "latency", at: 200, phase: "during", value: 5, ok: true },
      { probe: "not in the hypothesis", at: 200, phase: "during", value: null, ok: false },
    ];
    expect(recoveryAfter(samples, PROBES, 50, 100)).toBe(150);
  });

  it("sorts ticks by time whatever order the samples were pushed in", () => {
    const samples = ticks([300, true], [100, false], [200, true]);
    expect(recoveryAfter(samples, PROBES, 0, 500)).toBe(200);
  });
});

describe("detectionAfter", () => {
  it("is the time from injection to the first tick with a failing probe", () => {
    const samples = ticks([100, true], [200, true], [300, false], [400, false]);
    expect(detectionAfter(samples, PROBES, 150)).toBe(150);
  });

  it("ignores failures before the injection and after `until`", () => {
    const samples = ticks([100, false], [200, true], [300, false]);
    expect(detectionAfter(samples, PROBES, 150)).toBe(150);
    expect(detectionAfter(samples, PROBES, 150, 250)).toBeNull();
  });

  it("counts a tick as failed when any one of its probes failed", () => {
    const samples: ProbeSample[] = [
      { probe: "throughput", at: 100, phase: "during", value: 10, ok: true },
      { probe: "latency", at: 100, phase: "during", value: null, ok: false, error: "timeout" },
    ];
    expect(detectionAfter(samples, PROBES, 40)).toBe(60);
  });

  it("is null when no probe ever failed, or with no samples", () => {
    expect(detectionAfter(ticks([100, true], [200, true]), PROBES, 0)).toBeNull();
    expect(detectionAfter([], PROBES, 0)).toBeNull();
    expect(detectionAfter([{ probe: "other", at: 100, phase: "during", value: 0, ok: false }], PROBES, 0)).toBeNull();
  });
});
