import { describe, expect, it } from "vitest";
import { sortPairs } from "./brute-force-pairs.ts";
import {
  countSimilarPairs,
  DEFAULT_SIMILARITY_OPTIONS,
  type PairBatch,
  type PairShard,
  pairsPerShard,
  type SimilarityOptions,
  similarPairBatches,
  type SongTokens,
} from "./index.ts";
import { DEFAULT_CORPUS_SHAPE, syntheticCorpus } from "./synthetic-corpus.ts";

const options = (overrides: Partial<SimilarityOptions>): SimilarityOptions => ({ ...DEFAULT_SIMILARITY_OPTIONS, ...overrides });
const shardBatches = (songs: readonly SongTokens[], opts: SimilarityOptions, shard: PairShard, resumeAfterSeq = 0): PairBatch[] => [
  ...similarPairBatches(songs, opts, resumeAfterSeq, shard),
];
const corpus = (songs: number, seed: number): SongTokens[] => syntheticCorpus({ ...DEFAULT_CORPUS_SHAPE, arrangements: Math.max(5, songs / 20), songs, seed });

describe("similarPairBatches over N shards", () => {
  it("splits the pairs into N disjoint parts that together are exactly the single run's pairs", () => {
    for (const [seed, opts] of [
      [1, options({ mode: "exact", batchSize: 7 })],
      [2, options({ mode: "lsh", batchSize: 50 })],
      [3, options({ mode: "exact", maxDistance: 0.8, minDistinctTokens: 1, batchSize: 1 })],
    ] as const) {
      const songs = corpus(400, seed);
      const single = sortPairs(shardBatches(songs, opts, { index: 0, count: 1 }).flatMap((batch) => batch.pairs));
      expect(single.length, `seed ${seed}`).toBeGreaterThan(500);
      for (const count of [2, 3, 4, 7]) {
        const parts = Array.from({ length: count }, (_, index) => shardBatches(songs, opts, { index, count }).flatMap((batch) => batch.pairs));
        const where = `seed ${seed}, ${count} shards`;
        expect(sortPairs(parts.flat()), where).toEqual(single);
        // Each first song belongs to one shard: no two shards write pairs of the same first song.
        const firstSongs = parts.map((pairs) => new Set(pairs.map((pair) => pair.filenameA)));
        const everyFirst = firstSongs.flatMap((set) => [...set]);
        expect(new Set(everyFirst).size, where).toBe(everyFirst.length);
        expect(
          parts.map((pairs) => pairs.length),
          where,
        ).toEqual(pairsPerShard(songs, opts, count));
      }
    }
  });

  it("numbers each shard's batches 1, 2, 3, ... and resumes a shard after any of them with exactly the rest", () => {
    const songs = corpus(150, 4);
    const opts = options({ mode: "exact", batchSize: 9 });
    for (let index = 0; index < 3; index++) {
      const batches = shardBatches(songs, opts, { index, count: 3 });
      expect(batches.map((batch) => batch.seq)).toEqual(batches.map((_, i) => i + 1));
      expect(batches.slice(0, -1).every((batch) => batch.pairs.length === 9)).toBe(true);
      expect(batches.length).toBeGreaterThan(5);
      for (let resumeAfterSeq = 0; resumeAfterSeq <= batches.length + 1; resumeAfterSeq++) {
        expect(shardBatches(songs, opts, { index, count: 3 }, resumeAfterSeq)).toEqual(batches.slice(resumeAfterSeq));
      }
    }
  });

  it("balances the shards by pairs written, where a split by filename range would not", () => {
    const songs = syntheticCorpus({ ...DEFAULT_CORPUS_SHAPE, songs: 20_000 });
    const opts = options({ mode: "lsh" });
    const total = countSimilarPairs(songs, opts).pairs;
    for (const count of [2, 4]) {
      const loads = pairsPerShard(songs, opts, count);
      expect(loads.reduce((a, b) => a + b, 0)).toBe(total);
      expect(Math.max(...loads) / (total / count), `${count} shards: ${loads.join(", ")}`).toBeLessThan(1.01);
    }
    // The work per first song falls with its place in filename order: equal ranges of songs are far from equal work.
    const firstHalf = countSimilarPairs(songs, opts).pairs - countSimilarPairs(songs.slice(songs.length / 2), opts).pairs;
    expect(firstHalf / (total / 2)).toBeGreaterThan(1.3);
  });

  it("refuses a shard outside 0..count-1, naming the field", () => {
    const songs = corpus(20, 5);
    expect(() => similarPairBatches(songs, options({}), 0, { index: 2, count: 2 })).toThrow(/^shard\.index must be an integer in 0\.\.1, got 2$/);
    expect(() => similarPairBatches(songs, options({}), 0, { index: 0, count: 0 })).toThrow(/^shard\.count must be a positive integer/);
    expect(() => pairsPerShard(songs, options({}), 1.5)).toThrow(/shard\.count/);
  });
});
