import type { InstrumentRow, PairRow } from "../integrity/index.ts";

/**
 * The similar pairs a corpus must yield, by brute force over every pair of
 * songs: an oracle written apart from the pipeline's LSH and prefix filter,
 * following Scale's rules (at least `minTokens` distinct tokens, Jaccard
 * distance strictly below `maxDistance`, drums one token of their own).
 */
export function bruteForcePairs(instruments: readonly InstrumentRow[], minTokens = 3, maxDistance = 0.5): PairRow[] {
  const songs = new Map<string, Set<number>>();
  for (const row of instruments) {
    const tokens = songs.get(row.filename) ?? new Set<number>();
    tokens.add(row.isDrum ? 128 : row.program);
    songs.set(row.filename, tokens);
  }
  const eligible = [...songs].filter(([, tokens]) => tokens.size >= minTokens).sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const pairs: PairRow[] = [];
  for (let i = 0; i < eligible.length; i++) {
    const [filenameA, a] = eligible[i]!;
    for (let j = i + 1; j < eligible.length; j++) {
      const [filenameB, b] = eligible[j]!;
      let shared = 0;
      for (const token of a) if (b.has(token)) shared++;
      const similarity = shared / (a.size + b.size - shared);
      if (1 - similarity < maxDistance) pairs.push({ filenameA, filenameB, similarity, distance: 1 - similarity });
    }
  }
  return pairs;
}
