import { intersectionSize, jaccardScore } from "./jaccard.ts";
import { lshPartners } from "./lsh-partners.ts";
import { type PairShard, planPairShards, validatePairShard } from "./pair-shard-plan.ts";
import { prefixFilterPartners } from "./prefix-filter-partners.ts";
import { type SimilarityOptions, validateSimilarityOptions } from "./similarity-options.ts";
import { shardedPairBatches } from "./sharded-pair-batches.ts";
import { groupByTokenSet, type SongTokens, type TokenSetGroups } from "./token-set-groups.ts";

/** Two songs whose instrument sets are similar enough; the unit stored in Postgres. */
export interface SimilarPair {
  /** The smaller filename in UTF-8 byte order (see compareFilenames). */
  filenameA: string;
  /** The larger filename in UTF-8 byte order. */
  filenameB: string;
  /** Exact Jaccard similarity of the two token sets, in [0, 1]. */
  similarity: number;
  /** 1 - similarity; always below the configured maxDistance. */
  distance: number;
}

/** A run of pairs; batches are numbered 1, 2, 3, ... and are identical for the same input and options. */
export interface PairBatch {
  seq: number;
  /** `batchSize` pairs, except in the last batch. */
  pairs: SimilarPair[];
}

/** What {@link countSimilarPairs} found, without producing any pair. */
export interface PairCount {
  songs: number;
  /** Songs with at least minDistinctTokens tokens. */
  eligibleSongs: number;
  /** Distinct token sets among the eligible songs. */
  distinctSets: number;
  /** Qualifying pairs of distinct sets (pairs within one set not included). */
  setPairs: number;
  /** Qualifying pairs of songs: what similarPairBatches would emit in total. */
  pairs: number;
}

/**
 * Streams the qualifying pairs in deterministic batches. `songs` must be sorted by filename
 * in UTF-8 byte order (sortByFilename), or this throws before yielding anything.
 *
 * Order: for each distinct token set (by size, then tokens), the pairs within it, then
 * its pairs with each qualifying earlier set. Pairs are produced lazily, so memory is
 * bounded by the number of distinct sets and `batchSize`, never by the number of pairs,
 * even for one set shared by many thousands of songs.
 *
 * With `shard`, only the pairs whose first song the shard owns (see planPairShards), in
 * the same order, batched and numbered on their own; the N shards' pairs together are
 * exactly the unsharded pairs. A sharded call keeps every set's partner list in memory
 * (the plan needs them before the first pair), O(qualifying pairs of distinct sets).
 *
 * @param resumeAfterSeq batches with `seq <= resumeAfterSeq` are skipped without their pairs being
 *   built (the set search still runs), so a writer that committed batches 1..n resumes with n + 1.
 */
export function similarPairBatches(
  songs: readonly SongTokens[],
  options: SimilarityOptions,
  resumeAfterSeq = 0,
  shard: PairShard = { index: 0, count: 1 },
): Generator<PairBatch> {
  const resolved = validateSimilarityOptions(options);
  if (!Number.isSafeInteger(resumeAfterSeq) || resumeAfterSeq < 0) {
    throw new Error(`resumeAfterSeq must be a non-negative integer, got ${resumeAfterSeq}`);
  }
  validatePairShard(shard);
  const groups = groupByTokenSet(songs, resolved.minDistinctTokens);
  if (shard.count === 1) return batches(songs, groups, resolved, resumeAfterSeq);
  const partners = [...partnersBySet(groups, resolved)];
  const plan = planPairShards(groups.members, partners, songs.length, shard.count);
  return shardedPairBatches(songs, groups, partners, plan, shard.index, resolved.batchSize, resumeAfterSeq);
}

/** Pairs each of `count` shards would write: how evenly {@link similarPairBatches} spreads the work. */
export function pairsPerShard(songs: readonly SongTokens[], options: SimilarityOptions, count: number): number[] {
  const resolved = validateSimilarityOptions(options);
  validatePairShard({ index: 0, count });
  const groups = groupByTokenSet(songs, resolved.minDistinctTokens);
  return planPairShards(groups.members, [...partnersBySet(groups, resolved)], songs.length, count).pairs;
}

/** Counts what {@link similarPairBatches} would emit, by multiplying group sizes instead of listing pairs. */
export function countSimilarPairs(songs: readonly SongTokens[], options: SimilarityOptions): PairCount {
  const resolved = validateSimilarityOptions(options);
  const groups = groupByTokenSet(songs, resolved.minDistinctTokens);
  const { members } = groups;
  let eligibleSongs = 0;
  let setPairs = 0;
  let pairs = 0;
  let x = 0;
  for (const partners of partnersBySet(groups, resolved)) {
    const size = members[x]!.length;
    eligibleSongs += size;
    setPairs += partners.length;
    pairs += (size * (size - 1)) / 2;
    for (const y of partners) pairs += size * members[y]!.length;
    x++;
  }
  return { songs: songs.length, eligibleSongs, distinctSets: groups.count, setPairs, pairs };
}

function partnersBySet(groups: TokenSetGroups, options: SimilarityOptions): Generator<number[]> {
  return options.mode === "exact" ? prefixFilterPartners(groups, options.maxDistance) : lshPartners(groups, options);
}

function* batches(songs: readonly SongTokens[], groups: TokenSetGroups, options: SimilarityOptions, resumeAfterSeq: number): Generator<PairBatch> {
  const { batchSize } = options;
  const { members, sizes, bits } = groups;
  let skip = resumeAfterSeq * batchSize;
  let seq = resumeAfterSeq;
  let pairs: SimilarPair[] = [];
  const pair = (a: number, b: number, similarity: number, distance: number): SimilarPair =>
    a < b
      ? { filenameA: songs[a]!.filename, filenameB: songs[b]!.filename, similarity, distance }
      : { filenameA: songs[b]!.filename, filenameB: songs[a]!.filename, similarity, distance };

  let x = 0;
  for (const partners of partnersBySet(groups, options)) {
    const own = members[x]!;
    const n = own.length;
    const withinCount = (n * (n - 1)) / 2;
    if (skip >= withinCount) {
      skip -= withinCount;
    } else {
      let i = 0;
      while (skip >= n - 1 - i) skip -= n - 1 - i++;
      for (let j = i + 1 + skip; i < n; i++, j = i + 1) {
        for (; j < n; j++) {
          pairs.push(pair(own[i]!, own[j]!, 1, 0));
          if (pairs.length === batchSize) {
            yield { seq: ++seq, pairs };
            pairs = [];
          }
        }
      }
      skip = 0;
    }
    for (const y of partners) {
      const other = members[y]!;
      const m = other.length;
      if (skip >= n * m) {
        skip -= n * m;
        continue;
      }
      const shared = intersectionSize(bits, x, y);
      const { similarity, distance } = jaccardScore(shared, sizes[x]! + sizes[y]! - shared);
      for (let i = Math.floor(skip / m), j = skip % m; i < n; i++, j = 0) {
        for (; j < m; j++) {
          pairs.push(pair(own[i]!, other[j]!, similarity, distance));
          if (pairs.length === batchSize) {
            yield { seq: ++seq, pairs };
            pairs = [];
          }
        }
      }
      skip = 0;
    }
    x++;
  }
  if (pairs.length > 0) yield { seq: seq + 1, pairs };
}
