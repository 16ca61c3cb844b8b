import { intersectionSize, jaccardScore, qualifies, SizeBounds } from "./jaccard.ts";
import { minHashFamily, minHashSignatures } from "./minhash.ts";
import type { SimilarityOptions } from "./similarity-options.ts";
import type { TokenSetGroups } from "./token-set-groups.ts";

/**
 * For each set id x in turn, the ids y < x (ascending) that share at least one LSH band
 * with x and whose exact distance qualifies. Identical sets are already one group, so
 * this only decides between distinct sets; a pair LSH misses is simply not found.
 * Memory: signatures and bucket tables, O(sets x bands).
 */
export function* lshPartners(
  groups: TokenSetGroups,
  options: Pick<SimilarityOptions, "bands" | "rows" | "seed" | "maxDistance">,
): Generator<number[]> {
  const { bands, rows, maxDistance } = options;
  const { count, sizes, bits } = groups;
  const signatures = minHashSignatures(groups.tokens, minHashFamily(bands * rows, options.seed));
  const buckets = bandBuckets(signatures, count, bands, rows);
  const bounds = new SizeBounds(maxDistance);
  const firstOfSize = firstIdOfEachSize(sizes);
  const seenBy = new Int32Array(count).fill(-1);
  for (let x = 0; x < count; x++) {
    const size = sizes[x]!;
    const smallestId = firstOfSize[Math.min(bounds.minPartnerSize(size), size)]!;
    const partners: number[] = [];
    for (let band = 0; band < bands; band++) {
      const bucket = buckets.members[band]![buckets.bucketOf[band]![x]!]!;
      for (let k = lowerBound(bucket, smallestId); k < bucket.length; k++) {
        const y = bucket[k]!;
        if (y >= x) break;
        if (seenBy[y] === x) continue;
        seenBy[y] = x;
        const shared = intersectionSize(bits, x, y);
        if (qualifies(jaccardScore(shared, size + sizes[y]! - shared).distance, maxDistance)) partners.push(y);
      }
    }
    yield partners.sort((p, q) => p - q);
  }
}

interface BandBuckets {
  /** Per band: the bucket number of each set. */
  bucketOf: Int32Array[];
  /** Per band, per bucket: its set ids, ascending. */
  members: Int32Array[][];
}

function bandBuckets(signatures: Uint32Array, count: number, bands: number, rows: number): BandBuckets {
  const width = bands * rows;
  const bucketOf: Int32Array[] = [];
  const members: Int32Array[][] = [];
  for (let band = 0; band < bands; band++) {
    const numbers = new Map<number | string, number>();
    const lists: number[][] = [];
    const of = new Int32Array(count);
    for (let x = 0; x < count; x++) {
      const start = x * width + band * rows;
      const key = rows === 1 ? signatures[start]! : signatures.subarray(start, start + rows).join(",");
      let bucket = numbers.get(key);
      if (bucket === undefined) {
        bucket = lists.length;
        numbers.set(key, bucket);
        lists.push([]);
      }
      lists[bucket]!.push(x);
      of[x] = bucket;
    }
    bucketOf.push(of);
    members.push(lists.map((list) => Int32Array.from(list)));
  }
  return { bucketOf, members };
}

/** firstOfSize[s] = the smallest id whose set has at least s tokens (ids are ordered by size). */
export function firstIdOfEachSize(sizes: Uint8Array): Int32Array {
  const maxSize = sizes.length === 0 ? 0 : sizes[sizes.length - 1]!;
  const firstOfSize = new Int32Array(maxSize + 2).fill(sizes.length);
  for (let id = sizes.length - 1; id >= 0; id--) {
    for (let s = 0; s <= sizes[id]!; s++) firstOfSize[s] = id;
  }
  return firstOfSize;
}

function lowerBound(sorted: Int32Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]! < value) low = mid + 1;
    else high = mid;
  }
  return low;
}
