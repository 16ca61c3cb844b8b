import { MAX_TOKEN } from "./instrument-tokens.ts";
import { BITSET_WORDS, PairBounds, popcount, qualifies } from "./jaccard.ts";
import type { TokenSetGroups } from "./token-set-groups.ts";

/**
 * For each set id x in turn, every id y < x (ascending) whose exact distance qualifies,
 * without scoring all pairs of sets (PPJoin's prefix, size and positional filters).
 *
 * Tokens are ranked rarest first and each set lists its tokens in that order. Two sets of
 * sizes s >= m need an overlap of at least α(s, m) to qualify, and then the first token
 * they share sits at a position below s - α + 1 in the one and m - α + 1 in the other.
 * So each set indexes its first few tokens under (token, its size, position), and a set
 * probes exactly the (token, size, position) lists where a qualifying smaller partner can
 * first meet it: sizes above t*s only, positions inside both bounds. Rare tokens make
 * those lists short; most of what is left is rejected by a 160-bit bitset intersection.
 *
 * Memory: each set is indexed once per prefix token, O(sets x tokens per set).
 */
export const stats = { scanned: 0, verified: 0 };
export function* prefixFilterPartners(groups: TokenSetGroups, maxDistance: number): Generator<number[]> {
  const { count, sizes, bits } = groups;
  const bounds = new PairBounds(maxDistance);
  const rankOf = rarestFirstRanks(groups.tokens);
  const maxSize = count === 0 ? 0 : sizes[count - 1]!;
  const index = new PrefixIndex(maxSize);
  const seenBy = new Int32Array(count).fill(-1);
  for (let x = 0; x < count; x++) {
    const size = sizes[x]!;
    const ranked = groups.tokens[x]!.map((token) => rankOf[token]!).sort((p, q) => p - q);
    const partners: number[] = [];
    for (let ySize = bounds.minPartnerSize(size); ySize <= size; ySize++) {
      const overlap = bounds.minOverlap(size, ySize);
      for (let p = 0; p <= size - overlap; p++) {
        for (let q = 0; q <= ySize - overlap; q++) {
          const list = index.list(ranked[p]!, ySize, q);
          if (list === undefined) continue;
          for (let k = 0; k < list.length; k++) {
            const y = list.ids[k]!; stats.scanned++;
            if (seenBy[y] === x) continue;
            seenBy[y] = x;
            let shared = 0; stats.verified++;
            for (let w = 0; w < BITSET_WORDS; w++) shared += popcount(bits[x * BITSET_WORDS + w]! & bits[y * BITSET_WORDS + w]!);
            if (qualifies(1 - shared / (size + ySize - shared), maxDistance)) partners.push(y);
          }
        }
      }
    }
    const indexed = size - bounds.minOverlap(size, size);
    for (let p = 0; p <= indexed; p++) index.add(ranked[p]!, size, p, x);
    yield partners.sort((p, q) => p - q);
  }
}

/** Set ids by (token rank, set size, position of the token in the set), each list ascending. */
class PrefixIndex {
  private readonly lists: (IdList | undefined)[];
  private readonly sizes: number;

  constructor(maxSize: number) {
    this.sizes = maxSize + 1;
    this.lists = new Array((MAX_TOKEN + 1) * this.sizes * this.sizes);
  }

  list(rank: number, size: number, position: number): IdList | undefined {
    return this.lists[(rank * this.sizes + size) * this.sizes + position];
  }

  add(rank: number, size: number, position: number, id: number): void {
    const slot = (rank * this.sizes + size) * this.sizes + position;
    (this.lists[slot] ??= new IdList()).push(id);
  }
}

class IdList {
  ids = new Int32Array(8);
  length = 0;

  push(id: number): void {
    if (this.length === this.ids.length) {
      const grown = new Int32Array(this.length * 2);
      grown.set(this.ids);
      this.ids = grown;
    }
    this.ids[this.length++] = id;
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
