import { describe, expect, it } from "vitest";
import { bruteForcePairs, sortPairs } from "./brute-force-pairs.ts";
import {
  countSimilarPairs,
  DEFAULT_SIMILARITY_OPTIONS,
  type SimilarityOptions,
  type SimilarPair,
  similarPairBatches,
  type SongTokens,
  sortByFilename,
} from "./index.ts";
import { minHashFamily, minHashSignatures } from "./minhash.ts";
import { randomInt, seededRandom } from "./seeded-random.ts";
import { syntheticCorpus } from "./synthetic-corpus.ts";

const lsh = (overrides: Partial<SimilarityOptions> = {}): SimilarityOptions => ({ ...DEFAULT_SIMILARITY_OPTIONS, mode: "lsh", ...overrides });
const allPairs = (songs: readonly SongTokens[], options: SimilarityOptions): SimilarPair[] =>
  [...similarPairBatches(songs, options)].flatMap((batch) => batch.pairs);
const key = (pair: SimilarPair): string => `${pair.filenameA}\u0000${pair.filenameB}`;

/** Spark's rule, written out: a candidate shares all `rows` MinHash values of at least one band. */
function sharesABand(options: SimilarityOptions): (a: SongTokens, b: SongTokens) => boolean {
  const family = minHashFamily(options.bands * options.rows, options.seed);
  return (a, b) => {
    const [sa, sb] = [minHashSignatures([a.tokens], family), minHashSignatures([b.tokens], family)];
    for (let band = 0; band < options.bands; band++) {
      const rows = Array.from({ length: options.rows }, (_, row) => band * options.rows + row);
      if (rows.every((f) => sa[f] === sb[f])) return true;
    }
    return false;
  };
}

function randomCorpus(seed: number): SongTokens[] {
  const random = seededRandom(seed);
  return sortByFilename(
    Array.from({ length: randomInt(random, 60) }, (_, i) => {
      const tokens = new Set<number>();
      for (let k = 0, size = 1 + randomInt(random, 8); k < size; k++) tokens.add(randomInt(random, 14));
      return { filename: `song-${seed}-${i}.mid`, tokens: [...tokens].sort((a, b) => a - b) };
    }),
  );
}

describe("similarPairBatches, LSH mode", () => {
  it("emits exactly the qualifying pairs that share a MinHash band, on 200 random corpora", () => {
    const random = seededRandom(7);
    for (let seed = 0; seed < 200; seed++) {
      const songs = randomCorpus(seed);
      const options = lsh({
        bands: 1 + randomInt(random, 4),
        rows: 1 + randomInt(random, 3),
        seed: randomInt(random, 2 ** 32),
        maxDistance: [0.5, 0.4, 0.7, 1][randomInt(random, 4)]!,
        batchSize: 1 + randomInt(random, 20),
      });
      expect(sortPairs(allPairs(songs, options)), JSON.stringify(options)).toEqual(bruteForcePairs(songs, options, sharesABand(options)));
    }
  });

  it("is deterministic for a seed, and the seed matters", () => {
    const songs = syntheticCorpus({ songs: 3_000, seed: 5, arrangements: 300, copyShare: 0.3, variantShare: 0.3 });
    const oneBand = (seed: number) => allPairs(songs, lsh({ bands: 1, seed }));
    expect(oneBand(1)).toEqual(oneBand(1));
    expect(oneBand(2).length).not.toBe(oneBand(1).length);
  });

  it("has precision 1 and Spark-like recall against exact mode on a Lakh-like corpus (10 bands x 1 row)", () => {
    const recalls: string[] = [];
    for (const corpusSeed of [1, 2, 3]) {
      const songs = syntheticCorpus({ songs: 8_000, seed: corpusSeed, arrangements: 3_000, copyShare: 0.35, variantShare: 0.25 });
      const exactPairs = new Map(allPairs(songs, lsh({ mode: "exact" })).map((pair) => [key(pair), pair]));
      const lshPairs = allPairs(songs, lsh({ seed: corpusSeed }));
      const notExact = lshPairs.filter((pair) => {
        const twin = exactPairs.get(key(pair));
        return twin?.similarity !== pair.similarity || twin.distance !== pair.distance;
      });
      expect(notExact).toEqual([]);
      const exactCount = countSimilarPairs(songs, lsh({ mode: "exact" }));
      const lshCount = countSimilarPairs(songs, lsh({ seed: corpusSeed }));
      expect(lshCount.pairs).toBe(lshPairs.length);
      const setRecall = lshCount.setPairs / exactCount.setPairs;
      const pairRecall = lshPairs.length / exactPairs.size;
      recalls.push(
        `corpus ${corpusSeed}: set pairs ${lshCount.setPairs}/${exactCount.setPairs} = ${setRecall.toFixed(5)}, song pairs ${pairRecall.toFixed(5)}`,
      );
      expect(setRecall).toBeGreaterThanOrEqual(0.995);
      expect(pairRecall).toBeGreaterThanOrEqual(0.999);
    }
    console.info(`LSH 10x1 recall vs exact:\n  ${recalls.join("\n  ")}`);
  });
});
