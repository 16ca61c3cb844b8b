import { intersectionSize, jaccardScore } from "./jaccard.ts";
import type { PairShardPlan } from "./pair-shard-plan.ts";
import type { PairBatch, SimilarPair } from "./similar-pairs.ts";
import type { SongTokens, TokenSetGroups } from "./token-set-groups.ts";

/**
 * The pairs of one shard, in the order of the whole run's pairs with the other
 * shards' pairs left out, numbered 1, 2, 3, ... of the shard's own. A pair's first
 * song is the one earlier in filename order, which is input order here.
 *
 * @param resumeAfterSeq the shard's batches `<= resumeAfterSeq` are skipped without being built
 */
export function* shardedPairBatches(
  songs: readonly SongTokens[],
  groups: TokenSetGroups,
  partners: ReadonlyArray<readonly number[]>,
  plan: PairShardPlan,
  shardIndex: number,
  batchSize: number,
  resumeAfterSeq: number,
): Generator<PairBatch> {
  const { members, sizes, bits } = groups;
  const { owner } = plan;
  let skip = resumeAfterSeq * batchSize;
  let seq = resumeAfterSeq;
  let pairs: SimilarPair[] = [];
  const pair = (a: number, b: number, similarity: number, distance: number): SimilarPair =>
    a < b
      ? { filenameA: songs[a]!.filename, filenameB: songs[b]!.filename, similarity, distance }
      : { filenameA: songs[b]!.filename, filenameB: songs[a]!.filename, similarity, distance };

  for (let x = 0; x < members.length; x++) {
    const own = members[x]!;
    const n = own.length;
    for (let i = 0; i < n; i++) {
      if (owner[own[i]!] !== shardIndex) continue;
      const firstOf = n - 1 - i;
      if (skip >= firstOf) {
        skip -= firstOf;
        continue;
      }
      for (let j = i + 1 + skip; j < n; j++) {
        pairs.push(pair(own[i]!, own[j]!, 1, 0));
        if (pairs.length === batchSize) {
          yield { seq: ++seq, pairs };
          pairs = [];
        }
      }
      skip = 0;
    }
    for (const y of partners[x]!) {
      const other = members[y]!;
      const shared = intersectionSize(bits, x, y);
      const { similarity, distance } = jaccardScore(shared, sizes[x]! + sizes[y]! - shared);
      for (let i = 0; i < n; i++) {
        const a = own[i]!;
        for (let j = 0; j < other.length; j++) {
          const b = other[j]!;
          if (owner[a < b ? a : b] !== shardIndex) continue;
          if (skip > 0) {
            skip--;
            continue;
          }
          pairs.push(pair(a, b, similarity, distance));
          if (pairs.length === batchSize) {
            yield { seq: ++seq, pairs };
            pairs = [];
          }
        }
      }
    }
  }
  if (pairs.length > 0) yield { seq: seq + 1, pairs };
}
