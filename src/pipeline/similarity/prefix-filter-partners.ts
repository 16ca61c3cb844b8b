import { MAX_TOKEN } from "./instrument-tokens.ts";
import { intersectionSize, PairBounds, qualifies } from "./jaccard.ts";
import type { TokenSetGroups } from "./token-set-groups.ts";

/**
 * For each set id x in turn, every id y < x (ascending) whose exact distance qualifies,
 * without scoring all pairs of sets (PPJoin: prefix, size and positional filters).
 *
 * - Tokens are ranked rarest first. Two sets that overlap in at least α tokens share a
 *   token among the first |A| - α + 1 of A and the first |B| - α + 1 of B, so only sets
 *   meeting in those prefixes are candidates, and rare tokens keep the lists short.
 * - Sets arrive by ascending size, so each set indexes a prefix sized for partners at
 *   least as large as itself, and J > t needs |y| > t|x|: every inverted list is ordered
 *   by size too, and its too-small front is skipped for good.
 * - Where two sets first meet bounds how much more they can overlap; most candidates
 *   fail that before their bitsets are compared.
 *
 * Memory: the inverted index holds each set's prefix once, O(sets x tokens per set).
 */
export function* prefixFilterPartners(groups: TokenSetGroups, maxDistance: number): Generator<number[]> {
  const { count, sizes, bits } = groups;
  const bounds = new PairBounds(maxDistance);
  const rankOf = rarestFirstRanks(groups.tokens);
  const lists = Array.from({ length: MAX_TOKEN + 1 }, () => new PostingList());
  const seenBy = new Int32Array(count).fill(-1);
  for (let x = 0; x < count; x++) {
    const size = sizes[x]!;
    const minSize = bounds.minPartnerSize(size);
    const ranked = groups.tokens[x]!.map((token) => rankOf[token]!).sort((p, q) => p - q);
    const partners: number[] = [];
    for (let p = 0, probe = bounds.probePrefixLength(size); p < probe; p++) {
      const list = lists[ranked[p]!]!;
      const { ids, positions } = list;
      while (list.start < list.length && sizes[ids[list.start]!]! < minSize) list.start++;
      for (let k = list.start; k < list.length; k++) {
        const y = ids[k]!;
        if (seenBy[y] === x) continue;
        seenBy[y] = x;
        const ySize = sizes[y]!;
        if (1 + Math.min(size - p - 1, ySize - positions[k]! - 1) < bounds.minOverlap(size, ySize)) continue;
        const shared = intersectionSize(bits, x, y);
        if (qualifies(1 - shared / (size + ySize - shared), maxDistance)) partners.push(y);
      }
    }
    for (let p = 0, index = bounds.indexPrefixLength(size); p < index; p++) lists[ranked[p]!]!.push(x, p);
    yield partners.sort((p, q) => p - q);
  }
}

/** The sets (and the position of the token in each) that index one token, in id order. */
class PostingList {
  ids = new Int32Array(16);
  positions = new Uint8Array(16);
  length = 0;
  /** Entries before this are too small for every set still to come. */
  start = 0;

  push(id: number, position: number): void {
    if (this.length === this.ids.length) {
      const ids = new Int32Array(this.length * 2);
      ids.set(this.ids);
      this.ids = ids;
      const positions = new Uint8Array(this.length * 2);
      positions.set(this.positions);
      this.positions = positions;
    }
    this.ids[this.length] = id;
    this.positions[this.length++] = position;
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
