import { MAX_TOKEN } from "./instrument-tokens.ts";

/** 32-bit words per token bitset: enough for tokens 0..MAX_TOKEN. */
export const BITSET_WORDS = Math.ceil((MAX_TOKEN + 1) / 32);

/** Exact Jaccard similarity of two sets and Spark's distance derived from it. */
export interface JaccardScore {
  /** |A ∩ B| / |A ∪ B|, in [0, 1]. */
  similarity: number;
  /** 1 - similarity, computed in doubles exactly as Spark's MinHashLSH.keyDistance does. */
  distance: number;
}

/** The score of two sets given the sizes of their intersection and union. */
export function jaccardScore(intersection: number, union: number): JaccardScore {
  const similarity = intersection / union;
  return { similarity, distance: 1 - similarity };
}

/** Whether a pair is kept: Spark's approxSimilarityJoin keeps `distance < threshold`, strictly. */
export function qualifies(distance: number, maxDistance: number): boolean {
  return distance < maxDistance;
}

/** |A ∩ B| of sets `x` and `y` stored as {@link BITSET_WORDS}-word bitsets in `bits`. */
export function intersectionSize(bits: Uint32Array, x: number, y: number): number {
  let count = 0;
  for (let word = 0, i = x * BITSET_WORDS, j = y * BITSET_WORDS; word < BITSET_WORDS; word++, i++, j++) {
    count += popcount(bits[i]! & bits[j]!);
  }
  return count;
}

/**
 * Bounds that filters use to discard pairs without scoring them. They derive from a
 * similarity floor a hair below the true threshold t = 1 - maxDistance, so rounding can
 * only let extra candidates through (to be rejected by {@link qualifies}), never lose one.
 */
export class PairBounds {
  private readonly floor: number;
  private readonly overlapShare: number;

  constructor(maxDistance: number) {
    this.floor = 1 - maxDistance - 1e-9;
    this.overlapShare = this.floor / (1 + this.floor);
  }

  /** The smallest partner size a set of `size` tokens can qualify with: J <= |B| / |A|. */
  minPartnerSize(size: number): number {
    return Math.max(1, Math.ceil(this.floor * size));
  }

  /**
   * The overlap two sets of these sizes need, at least 1:
   * J > t  <=>  |A ∩ B| > t / (1 + t) * (|A| + |B|), and distance < 1 needs one shared token.
   */
  minOverlap(sizeA: number, sizeB: number): number {
    return Math.max(1, Math.ceil(this.overlapShare * (sizeA + sizeB)));
  }
}

/** Number of set bits in a 32-bit word. */
export function popcount(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
