import { describe, expect, it } from "vitest";
import { bruteForcePairs, sortPairs } from "./brute-force-pairs.ts";
import {
  compareFilenames,
  countSimilarPairs,
  DEFAULT_SIMILARITY_OPTIONS,
  type PairBatch,
  type SimilarityOptions,
  type SimilarPair,
  similarPairBatches,
  type SongTokens,
  sortByFilename,
} from "./index.ts";
import { randomInt, seededRandom } from "./seeded-random.ts";

const exact = (overrides: Partial<SimilarityOptions> = {}): SimilarityOptions => ({ ...DEFAULT_SIMILARITY_OPTIONS, mode: "exact", ...overrides });
const lsh = (overrides: Partial<SimilarityOptions> = {}): SimilarityOptions => ({ ...DEFAULT_SIMILARITY_OPTIONS, mode: "lsh", ...overrides });
const allBatches = (songs: readonly SongTokens[], options: SimilarityOptions, resumeAfterSeq?: number): PairBatch[] => [
  ...similarPairBatches(songs, options, resumeAfterSeq),
];
const allPairs = (songs: readonly SongTokens[], options: SimilarityOptions): SimilarPair[] => allBatches(songs, options).flatMap((batch) => batch.pairs);
const key = (pair: SimilarPair): string => `${pair.filenameA}\u0000${pair.filenameB}`;

const NAME_PARTS = ["a", "b", "Z", "0", "é", "日", "\uFF01", "\u{1F600}", "/", " "];
const TOKEN_POOL = [0, 128, 33, 25, 48, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 127, 64];
/**
 * A small random corpus where overlaps, duplicates and boundary scores are common: few
 * tokens, and half the songs derived from an earlier one by a token or two.
 */
function randomCorpus(seed: number): SongTokens[] {
  const random = seededRandom(seed);
  const universe = TOKEN_POOL.slice(0, 4 + randomInt(random, TOKEN_POOL.length - 3));
  const maxSize = Math.min(universe.length, 1 + randomInt(random, 16));
  const names = new Set<string>();
  for (let i = 0, n = randomInt(random, 50); i < n; i++) {
    names.add(Array.from({ length: 1 + randomInt(random, 4) }, () => NAME_PARTS[randomInt(random, NAME_PARTS.length)]).join(""));
  }
  const sets: Set<number>[] = [];
  for (let i = 0; i < names.size; i++) {
    const base = sets.length > 0 && random() < 0.5 ? sets[randomInt(random, sets.length)]! : undefined;
    const tokens = new Set(base);
    const edits = base === undefined ? randomInt(random, maxSize + 1) : randomInt(random, 3);
    for (let k = 0; k < edits; k++) {
      const token = universe[randomInt(random, universe.length)]!;
      if (tokens.has(token)) tokens.delete(token);
      else if (tokens.size < maxSize) tokens.add(token);
    }
    sets.push(tokens);
  }
  return sortByFilename([...names].map((filename, i) => ({ filename, tokens: [...sets[i]!].sort((a, b) => a - b) })));
}

describe("similarPairBatches, exact mode", () => {
  it("finds exactly the pairs an all-pairs comparison finds, on 500 random corpora", () => {
    const random = seededRandom(42);
    for (let seed = 0; seed < 500; seed++) {
      const songs = randomCorpus(seed);
      const options = exact({
        maxDistance: [0.5, 0.5, 0.3, 0.6, 0.75, 1, 0.1, 1 / 3][randomInt(random, 8)]!,
        minDistinctTokens: 1 + randomInt(random, 4),
        batchSize: 1 + randomInt(random, 9),
      });
      const found = allPairs(songs, options);
      expect(sortPairs(found), `seed ${seed}, ${JSON.stringify(options)}`).toEqual(bruteForcePairs(songs, options));
    }
  });

  it("excludes a Jaccard distance of exactly maxDistance: the threshold is strict", () => {
    const songs = sortByFilename([
      { filename: "half-a.mid", tokens: [0, 1, 2] },
      { filename: "half-b.mid", tokens: [1, 2, 3] }, // 2 shared of 4: distance 0.5
      { filename: "wide.mid", tokens: [10, 11, 12, 13, 14, 15] },
      { filename: "wide-half.mid", tokens: [10, 11, 12] }, // 3 of 6: distance 0.5
      { filename: "wide-more.mid", tokens: [10, 11, 12, 13] }, // 4 of 6: distance 1/3
    ]);
    for (const options of [exact(), lsh()]) {
      expect(sortPairs(allPairs(songs, options)).map(({ filenameA, filenameB, distance }) => [filenameA, filenameB, distance])).toEqual([
        ["wide-half.mid", "wide-more.mid", 1 - 3 / 4],
        ["wide-more.mid", "wide.mid", 1 - 4 / 6],
      ]);
    }
    expect(allPairs(songs, exact({ maxDistance: 0.5000001 }))).toHaveLength(4);
  });

  it("leaves out songs with fewer than minDistinctTokens tokens, even identical ones", () => {
    const songs = sortByFilename([
      { filename: "duo-1.mid", tokens: [0, 33] },
      { filename: "duo-2.mid", tokens: [0, 33] },
      { filename: "trio-1.mid", tokens: [0, 33, 128] },
      { filename: "trio-2.mid", tokens: [0, 33, 128] },
    ]);
    expect(allPairs(songs, exact()).map(key)).toEqual([key({ filenameA: "trio-1.mid", filenameB: "trio-2.mid" } as SimilarPair)]);
    expect(allPairs(songs, exact({ minDistinctTokens: 2 }))).toHaveLength(6);
  });

  it("scores identical sets 1 / 0 and every other pair by its exact Jaccard", () => {
    const songs = sortByFilename([
      { filename: "x.mid", tokens: [0, 25, 33, 128] },
      { filename: "y.mid", tokens: [0, 25, 33, 128] },
      { filename: "z.mid", tokens: [0, 25, 33, 48, 128] },
    ]);
    expect(sortPairs(allPairs(songs, exact()))).toEqual([
      { filenameA: "x.mid", filenameB: "y.mid", similarity: 1, distance: 0 },
      { filenameA: "x.mid", filenameB: "z.mid", similarity: 0.8, distance: 1 - 0.8 },
      { filenameA: "y.mid", filenameB: "z.mid", similarity: 0.8, distance: 1 - 0.8 },
    ]);
  });
});

describe("similarPairBatches, output contract", () => {
  const songs = sortByFilename(
    Array.from({ length: 120 }, (_, i) => ({
      filename: ["\u{1F600}", "\uFF01", "é", "a", "Z"][i % 5]! + String(i).padStart(3, "0") + ".mid",
      tokens: [
        [0, 33, 128],
        [0, 25, 33, 128],
        [0, 25, 33, 48, 128],
        [1, 2, 3],
      ][i % 4]!,
    })),
  );

  it("orders every pair filenameA < filenameB in UTF-8 byte order, unicode names included", () => {
    const pairs = allPairs(songs, exact());
    expect(pairs.length).toBeGreaterThan(1000);
    for (const pair of pairs) {
      expect(Buffer.compare(Buffer.from(pair.filenameA), Buffer.from(pair.filenameB))).toBe(-1);
      expect(compareFilenames(pair.filenameA, pair.filenameB)).toBeLessThan(0);
    }
    expect(pairs.some((pair) => pair.filenameA.startsWith("\uFF01") && pair.filenameB.startsWith("\u{1F600}"))).toBe(true);
  });

  it("numbers full batches 1, 2, 3, ... with no pair twice, and is the same on every run", () => {
    const batches = allBatches(songs, exact({ batchSize: 97 }));
    expect(batches.map((batch) => batch.seq)).toEqual(batches.map((_, i) => i + 1));
    expect(batches.slice(0, -1).every((batch) => batch.pairs.length === 97)).toBe(true);
    const pairs = batches.flatMap((batch) => batch.pairs);
    expect(new Set(pairs.map(key)).size).toBe(pairs.length);
    expect(pairs.length).toBe(countSimilarPairs(songs, exact()).pairs);
    expect(allBatches(songs, exact({ batchSize: 97 }))).toEqual(batches);
  });

  it("resumes after any batch with exactly the batches that were left", () => {
    for (const options of [exact({ batchSize: 13 }), lsh({ batchSize: 50 }), exact({ batchSize: 10_000 })]) {
      const batches = allBatches(songs, options);
      for (let resumeAfterSeq = 0; resumeAfterSeq <= batches.length + 1; resumeAfterSeq++) {
        expect(allBatches(songs, options, resumeAfterSeq)).toEqual(batches.slice(resumeAfterSeq));
      }
    }
  });

  it("streams one huge group of identical songs lazily, and resumes inside it without replaying it", () => {
    const clones = Array.from({ length: 10_000 }, (_, i) => ({ filename: `clone-${String(i).padStart(5, "0")}.mid`, tokens: [0, 33, 128] }));
    expect(countSimilarPairs(clones, exact()).pairs).toBe(49_995_000);
    const started = performance.now();
    const first = similarPairBatches(clones, exact()).next().value as PairBatch;
    expect(first.pairs[0]).toEqual({ filenameA: "clone-00000.mid", filenameB: "clone-00001.mid", similarity: 1, distance: 0 });
    const last = [...similarPairBatches(clones, exact(), 9_998)];
    expect(last.map((batch) => batch.seq)).toEqual([9_999]);
    expect(last[0]!.pairs.at(-1)).toMatchObject({ filenameA: "clone-09998.mid", filenameB: "clone-09999.mid" });
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("refuses input that is not sorted by filename bytes, or repeats a filename", () => {
    const unsorted = [
      { filename: "\u{1F600}.mid", tokens: [0, 1, 2] },
      { filename: "\uFF01.mid", tokens: [0, 1, 2] }, // in JS < order, not in byte order
    ];
    expect(() => similarPairBatches(unsorted, exact())).toThrow(/sorted by filename in UTF-8 byte order.*song 1/);
    const repeated = [
      { filename: "a.mid", tokens: [0, 1, 2] },
      { filename: "a.mid", tokens: [0, 1, 2] },
    ];
    expect(() => similarPairBatches(repeated, exact())).toThrow(/song 1 "a.mid" repeats/);
  });

  it("refuses tokens that are unsorted, repeated or out of range, naming the song", () => {
    expect(() => similarPairBatches([{ filename: "a.mid", tokens: [2, 1, 3] }], exact())).toThrow(/"a.mid": tokens must be ascending and distinct/);
    expect(() => similarPairBatches([{ filename: "a.mid", tokens: [1, 1, 3] }], exact())).toThrow(/ascending and distinct/);
    expect(() => similarPairBatches([{ filename: "b.mid", tokens: [1, 129] }], exact())).toThrow(/"b.mid": token 1 is 129/);
  });

  it("refuses bad options and a bad resume point before yielding anything", () => {
    expect(() => similarPairBatches(songs, exact({ batchSize: 0 }))).toThrow(/similarity.batchSize/);
    expect(() => similarPairBatches(songs, exact(), -1)).toThrow(/resumeAfterSeq/);
  });

  it("yields nothing for no songs", () => {
    expect(allBatches([], exact())).toEqual([]);
    expect(allBatches([], lsh())).toEqual([]);
  });
});
