import { describe, expect, it } from "vitest";
import { type MeasuredRun, projectWorkers } from "./worker-projection.ts";

// Extraction: 100 objects/s in every process.
// Similarity: every shard spends 4 s outside its writes (loading, searching); writing all pairs takes 6 s, split among the shards.
const runs: MeasuredRun[] = [
  { shards: 1, extract: [{ objects: 1_000, ms: 10_000 }], similarity: [{ ms: 10_000, writeMs: 6_000 }] },
  {
    shards: 2,
    extract: [
      { objects: 600, ms: 6_000 },
      { objects: 400, ms: 4_000 },
    ],
    similarity: [
      { ms: 7_500, writeMs: 3_500 },
      { ms: 6_500, writeMs: 2_500 },
    ],
  },
];

describe("projectWorkers", () => {
  it("divides extraction and the pair writes by K, and repeats the rest of similarity on every worker", () => {
    const { similarity, extractObjectsPerSecond, projections } = projectWorkers(runs, { songs: 1_000, pairScale: 1 }, [1, 4]);
    expect(extractObjectsPerSecond).toBe(100);
    expect(similarity).toEqual({ repeatedMs: 4_000, divisibleMs: 6_000 });
    expect(projections).toEqual([
      { workers: 1, extractMs: 10_000, similarityMs: 10_000, totalMs: 20_000 },
      { workers: 4, extractMs: 2_500, similarityMs: 5_500, totalMs: 8_000 },
    ]);
  });

  it("scales to a larger corpus: extraction by its songs, similarity by its pairs", () => {
    const { projections } = projectWorkers(runs, { songs: 10_000, pairScale: 3 }, [2]);
    expect(projections[0]).toEqual({ workers: 2, extractMs: 50_000, similarityMs: 3 * (4_000 + 3_000), totalMs: 71_000 });
  });

  it("names bad input", () => {
    expect(() => projectWorkers([], { songs: 1, pairScale: 1 }, [1])).toThrow("runs must hold at least one measured run");
    expect(() => projectWorkers(runs, { songs: 1, pairScale: 1 }, [0])).toThrow("workers must be positive integers, got 0");
    const idle: MeasuredRun[] = [{ shards: 1, extract: [{ objects: 0, ms: 0 }], similarity: [{ ms: 1, writeMs: 0 }] }];
    expect(() => projectWorkers(idle, { songs: 1, pairScale: 1 }, [1])).toThrow("wrote no objects");
  });
});
