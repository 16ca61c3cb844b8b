import { MAX_TOKEN } from "./instrument-tokens.ts";
import { intersectionSize, jaccardScore, qualifies, SizeBounds } from "./jaccard.ts";
import type { TokenSetGroups } from "./token-set-groups.ts";

/**
 * For each set id x in turn, every id y < x (ascending) whose exact distance qualifies,
 * without comparing all pairs of sets (the AllPairs prefix filter):
 *
 * - Tokens are ranked rarest first. If J(A, B) >= t, then A's first |A| - ceil(t|A|) + 1
 *   ranked tokens and B's first |B| - ceil(t|B|) + 1 share a token, so only sets that
 *   share a prefix token are candidates, and the rare tokens make those lists short.
 * - Sets arrive by ascending size, so J > t needs |y| > t|x|: each inverted list is
 *   ordered by size too and its too-small front is skipped for good.
 *
 * Memory: the inverted index holds each set's prefix once, O(sets x tokens per set).
 */
export function* prefixFilterPartners(groups: TokenSetGroups, maxDistance: number): Generator<number[]> {
  const { count, sizes, bits } = groups;
  const bounds = new SizeBounds(maxDistance);
  const rankOf = rarestFirstRanks(groups.tokens);
  const lists: number[][] = Array.from({ length: MAX_TOKEN + 1 }, () => []);
  const listStarts = new Int32Array(MAX_TOKEN + 1);
  const seenBy = new Int32Array(count).fill(-1);
  for (let x = 0; x < count; x++) {
    const size = sizes[x]!;
    const minSize = bounds.minPartnerSize(size);
    const prefix = groups.tokens[x]!.map((token) => rankOf[token]!).sort((p, q) => p - q).slice(0, bounds.prefixLength(size));
    const partners: number[] = [];
    for (const rank of prefix) {
      const list = lists[rank]!;
      let start = listStarts[rank]!;
      while (start < list.length && sizes[list[start]!]! < minSize) start++;
      listStarts[rank] = start;
      for (let k = start; k < list.length; k++) {
        const y = list[k]!;
        if (seenBy[y] === x) continue;
        seenBy[y] = x;
        const shared = intersectionSize(bits, x, y);
        if (qualifies(jaccardScore(shared, size + sizes[y]! - shared).distance, maxDistance)) partners.push(y);
      }
    }
    for (const rank of prefix) lists[rank]!.push(x);
    yield partners.sort((p, q) => p - q);
  }
}

/** rankOf[token]: 0 for the token in fewest sets, ties broken by token number. */
function rarestFirstRanks(sets: ReadonlyArray<readonly number[]>): Int32Array {
  const frequency = new Int32Array(MAX_TOKEN + 1);
  for (const tokens of sets) for (const token of tokens) frequency[token]!++;
  const byRarity = Array.from({ length: MAX_TOKEN + 1 }, (_, token) => token).sort(
    (p, q) => frequency[p]! - frequency[q]! || p - q,
  );
  const rankOf = new Int32Array(MAX_TOKEN + 1);
  byRarity.forEach((token, rank) => (rankOf[token] = rank));
  return rankOf;
}
