import { assertStrictlyIncreasingFilenames } from "./filename-order.ts";
import { MAX_TOKEN } from "./instrument-tokens.ts";
import { BITSET_WORDS } from "./jaccard.ts";

/** A song's filename and its instrument tokens, ascending and distinct. */
export interface SongTokens {
  filename: string;
  tokens: readonly number[];
}

/**
 * The eligible songs grouped by identical token set. Sets are numbered 0..count-1 in
 * order of size, then tokens, so every set's smaller partners have smaller ids.
 */
export interface TokenSetGroups {
  count: number;
  /** Tokens of each set, ascending. */
  tokens: ReadonlyArray<readonly number[]>;
  /** Number of tokens of each set. */
  sizes: Uint8Array;
  /** Each set as a {@link BITSET_WORDS}-word bitset, set after set. */
  bits: Uint32Array;
  /** Input positions of each set's songs, ascending; input order is filename order. */
  members: ReadonlyArray<Int32Array>;
}

/**
 * Validates the input (sorted unique filenames, sorted distinct tokens in 0..MAX_TOKEN),
 * drops songs with fewer than `minDistinctTokens` tokens and groups the rest.
 * Real corpora repeat instrument sets a lot, so everything downstream works per set.
 */
export function groupByTokenSet(songs: readonly SongTokens[], minDistinctTokens: number): TokenSetGroups {
  assertStrictlyIncreasingFilenames(songs);
  const songsBySet = new Map<string, { tokens: readonly number[]; songs: number[] }>();
  for (const [index, song] of songs.entries()) {
    assertTokens(song);
    if (song.tokens.length < minDistinctTokens) continue;
    const key = song.tokens.join(",");
    const group = songsBySet.get(key);
    if (group === undefined) songsBySet.set(key, { tokens: song.tokens, songs: [index] });
    else group.songs.push(index);
  }
  const sets = [...songsBySet.values()].sort((x, y) => compareTokenLists(x.tokens, y.tokens));
  const bits = new Uint32Array(sets.length * BITSET_WORDS);
  for (const [id, { tokens }] of sets.entries()) {
    for (const token of tokens) bits[id * BITSET_WORDS + (token >>> 5)]! |= 1 << (token & 31);
  }
  return {
    count: sets.length,
    tokens: sets.map((set) => set.tokens.slice()),
    sizes: Uint8Array.from(sets, (set) => set.tokens.length),
    bits,
    members: sets.map((set) => Int32Array.from(set.songs)),
  };
}

function compareTokenLists(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return 0;
}

function assertTokens({ filename, tokens }: SongTokens): void {
  if (!Array.isArray(tokens)) {
    throw new TypeError(`song ${JSON.stringify(filename)}: tokens must be an array`);
  }
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (!Number.isInteger(token) || token! < 0 || token! > MAX_TOKEN) {
      throw new RangeError(`song ${JSON.stringify(filename)}: token ${i} is ${token}; tokens are integers 0..${MAX_TOKEN}`);
    }
    if (i > 0 && token! <= tokens[i - 1]!) {
      throw new Error(`song ${JSON.stringify(filename)}: tokens must be ascending and distinct, got ${JSON.stringify(tokens)}`);
    }
  }
}
