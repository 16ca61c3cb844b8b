/** One of `count` disjoint parts of the similarity step's pairs. */
export interface PairShard {
  /** 0..count-1. */
  index: number;
  count: number;
}

/** Which shard owns each song as a pair's first song, and how many pairs that gives each shard. */
export interface PairShardPlan {
  count: number;
  /** By input position: the shard writing every pair whose first (smaller) filename is this song; -1 for a song that is never first. */
  owner: Int32Array;
  /** Pairs each shard writes; they sum to every qualifying pair. */
  pairs: number[];
}

/** Throws unless `shard` names one of `count` shards, naming the field that is wrong. */
export function validatePairShard(shard: PairShard): PairShard {
  if (!Number.isSafeInteger(shard.count) || shard.count < 1) throw new Error(`shard.count must be a positive integer, got ${shard.count}`);
  if (!Number.isSafeInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) {
    throw new Error(`shard.index must be an integer in 0..${shard.count - 1}, got ${shard.index}`);
  }
  return shard;
}

/**
 * Splits the pairs by their first song, balanced by the work each song brings: the
 * number of qualifying pairs in which it is the first song. That work is far from
 * uniform (a song early in filename order, in a popular instrument set, is first in
 * thousands of pairs; the last song in none), so songs are dealt heaviest first, each
 * to the shard with the fewest pairs so far (ties to the lower index). Every process
 * computes the same plan from the same songs and partner lists, without coordination.
 *
 * @param members input positions of each token set's songs, ascending
 * @param partners for each set x, the sets y < x it pairs with
 */
export function planPairShards(
  members: ReadonlyArray<Int32Array>,
  partners: ReadonlyArray<readonly number[]>,
  songCount: number,
  count: number,
): PairShardPlan {
  const work = new Float64Array(songCount);
  for (let x = 0; x < members.length; x++) {
    const own = members[x]!;
    for (let k = 0; k < own.length; k++) work[own[k]!]! += own.length - 1 - k;
    for (const y of partners[x]!) countFirstSongs(own, members[y]!, work);
  }
  const songs: number[] = [];
  for (let song = 0; song < songCount; song++) if (work[song]! > 0) songs.push(song);
  songs.sort((p, q) => work[q]! - work[p]! || p - q);
  const owner = new Int32Array(songCount).fill(-1);
  const pairs = new Array<number>(count).fill(0);
  for (const song of songs) {
    let lightest = 0;
    for (let shard = 1; shard < count; shard++) if (pairs[shard]! < pairs[lightest]!) lightest = shard;
    owner[song] = lightest;
    pairs[lightest]! += work[song]!;
  }
  return { count, owner, pairs };
}

/** Adds to `work` the pairs of `a` x `b` (two disjoint ascending position lists) in which each song is the first. */
function countFirstSongs(a: Int32Array, b: Int32Array, work: Float64Array): void {
  for (let i = 0, j = 0; i < a.length; i++) {
    while (j < b.length && b[j]! < a[i]!) j++;
    work[a[i]!]! += b.length - j;
  }
  for (let j = 0, i = 0; j < b.length; j++) {
    while (i < a.length && a[i]! < b[j]!) i++;
    work[b[j]!]! += a.length - i;
  }
}
