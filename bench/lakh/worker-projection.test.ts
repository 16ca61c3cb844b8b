import { describe, expect, it } from "vitest";
import { type MeasuredRun, projectWorkers } from "./worker-projection.ts";

// Extraction: 1,000 objects per 10 s in every process (100 objects/s).
// Similarity: 4 s every shard repeats + 6 s divided among the shards: 10 s with one, 7 s with two.
const runs: MeasuredRun[] = [
  { shards: 1, extract: [{ objects: 1_000, ms: 10_000 }], similarity: [{ ms: 10_000 }] },
  {
    shards: 2,
    extract: [
      { objects: 500, ms: 5_000 },
      { objects: 500, ms: 5_000 },
    ],
    similarity: [{ ms: 6_800 }, { ms: 7_000 }],
  },
];

describe("projectWorkers", () => {
  it("divides extraction by K and only the divisible part of similarity, fitted through the slowest shards", () => {
    const { fit, extractObjectsPerSecond, projections } = projectWorkers(runs, { songs: 1_000, pairScale: 1 }, [1, 4]);
    expect(extractObjectsPerSecond).toBe(100);
    expect(fit.fixedMs).toBeCloseTo(4_000);
    expect(fit.divisibleMs).toBeCloseTo(6_000);
    expect(fit.fromOneRun).toBe(false);
    expect(projections[1]).toEqual({ workers: 4, extractMs: 2_500, similarityMs: expect.closeTo(5_500), totalMs: expect.closeTo(8_000) });
  });

  it("scales to a larger corpus: extraction by its songs, similarity by its pairs", () => {
    const { projections } = projectWorkers(runs, { songs: 10_000, pairScale: 3 }, [2]);
    expect(projections[0]).toEqual({ workers: 2, extractMs: 50_000, similarityMs: expect.closeTo(3 * (4_000 + 3_000)), totalMs: expect.closeTo(71_000) });
  });

  it("with one shard count, takes all of similarity as divisible and says so", () => {
    const { fit } = projectWorkers([runs[1]!], { songs: 1_000, pairScale: 1 }, [1]);
    expect(fit).toEqual({ fixedMs: 0, divisibleMs: 14_000, fromOneRun: true });
  });

  it("never fits a negative part when more shards were slower", () => {
    const slower: MeasuredRun[] = [runs[0]!, { ...runs[1]!, similarity: [{ ms: 12_000 }, { ms: 11_000 }] }];
    const { fit } = projectWorkers(slower, { songs: 1_000, pairScale: 1 }, [8]);
    expect(fit).toEqual({ fixedMs: 10_000, divisibleMs: 0, fromOneRun: false });
  });

  it("names bad input", () => {
    expect(() => projectWorkers([], { songs: 1, pairScale: 1 }, [1])).toThrow("runs must hold at least one measured run");
    expect(() => projectWorkers(runs, { songs: 1, pairScale: 1 }, [0])).toThrow("workers must be positive integers, got 0");
  });
});
