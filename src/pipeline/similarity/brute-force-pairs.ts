import { compareFilenames } from "./filename-order.ts";
import type { SimilarPair } from "./similar-pairs.ts";
import type { SimilarityOptions } from "./similarity-options.ts";
import type { SongTokens } from "./token-set-groups.ts";

/**
 * Every qualifying pair by comparing all N^2 songs with plain Sets: the reference the
 * fast paths are tested against, and a checker small corpora can use for stored rows.
 * `keep` narrows the pairs further (a test's model of LSH banding, for instance).
 * Pairs come sorted by (filenameA, filenameB) in byte order.
 */
export function bruteForcePairs(
  songs: readonly SongTokens[],
  options: Pick<SimilarityOptions, "minDistinctTokens" | "maxDistance">,
  keep: (a: SongTokens, b: SongTokens) => boolean = () => true,
): SimilarPair[] {
  const eligible = songs.filter((song) => new Set(song.tokens).size >= options.minDistinctTokens);
  const pairs: SimilarPair[] = [];
  for (let i = 0; i < eligible.length; i++) {
    for (let j = i + 1; j < eligible.length; j++) {
      const [a, b] = orderPair(eligible[i]!, eligible[j]!);
      const tokensOfB = new Set(b.tokens);
      const intersection = new Set(a.tokens).size - [...new Set(a.tokens)].filter((token) => !tokensOfB.has(token)).length;
      const union = new Set([...a.tokens, ...b.tokens]).size;
      const similarity = intersection / union;
      const distance = 1 - similarity;
      if (distance < options.maxDistance && keep(a, b)) {
        pairs.push({ filenameA: a.filename, filenameB: b.filename, similarity, distance });
      }
    }
  }
  return sortPairs(pairs);
}

/** Pairs sorted by (filenameA, filenameB) in byte order, to compare outputs regardless of emission order. */
export function sortPairs(pairs: readonly SimilarPair[]): SimilarPair[] {
  return [...pairs].sort((p, q) => compareFilenames(p.filenameA, q.filenameA) || compareFilenames(p.filenameB, q.filenameB));
}

function orderPair(a: SongTokens, b: SongTokens): [SongTokens, SongTokens] {
  return compareFilenames(a.filename, b.filename) < 0 ? [a, b] : [b, a];
}
