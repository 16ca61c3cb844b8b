import { sortByFilename } from "./filename-order.ts";
import { DRUM_TOKEN, MAX_TOKEN } from "./instrument-tokens.ts";
import { randomInt, seededRandom } from "./seeded-random.ts";
import type { SongTokens } from "./token-set-groups.ts";
import { weightedSampler } from "./weighted-sampler.ts";

/**
 * Shape of a generated corpus of instrument sets, for tests and benches: a stand-in
 * for the Lakh MIDI set, whose files mostly reuse a few arrangements (drums, piano,
 * bass, strings, guitars) and often repeat one another outright.
 */
export interface SyntheticCorpusShape {
  songs: number;
  seed: number;
  /** Pool of common arrangements that songs copy; their popularity is Zipf(1). */
  arrangements: number;
  /** Share of songs that copy an arrangement verbatim. */
  copyShare: number;
  /** Share of songs that copy an arrangement with one token added or removed. */
  variantShare: number;
}

export const DEFAULT_CORPUS_SHAPE: Omit<SyntheticCorpusShape, "songs"> = {
  seed: 1,
  arrangements: 2_000,
  copyShare: 0.35,
  variantShare: 0.25,
};

/** GM programs (and the drum token) most used in pop MIDI files, most popular first; the rest follow by number. */
const POPULAR_TOKENS = [
  DRUM_TOKEN,
  0,
  33,
  48,
  25,
  29,
  30,
  27,
  52,
  24,
  4,
  26,
  32,
  35,
  34,
  49,
  50,
  61,
  56,
  65,
  73,
  81,
  89,
  5,
  1,
  16,
  19,
  11,
  71,
  68,
  57,
  60,
  66,
  80,
  88,
  53,
  62,
  2,
  3,
  6,
  17,
  18,
  21,
  22,
  28,
  31,
  36,
  38,
  39,
  40,
  42,
  45,
  46,
  47,
  54,
  55,
  58,
];
/** Relative weight of set sizes 1..15: most files have 5..8 instruments. */
const SIZE_WEIGHTS = [5, 6, 8, 9, 10, 11, 11, 10, 8, 6, 5, 4, 3, 2, 2];
/** Token popularity falls off as rank^-TOKEN_ZIPF. */
const TOKEN_ZIPF = 1.1;

/** One line for bench output saying what the corpus looks like. */
export function describeCorpusShape(shape: SyntheticCorpusShape): string {
  const fresh = 1 - shape.copyShare - shape.variantShare;
  return (
    `${shape.songs} songs (seed ${shape.seed}): ${MAX_TOKEN + 1} tokens with Zipf(${TOKEN_ZIPF}) popularity led by ` +
    `drums, piano, bass, strings; sets of 1..15 tokens peaking at 6..7; ${pct(shape.copyShare)} verbatim copies and ` +
    `${pct(shape.variantShare)} one-token variants of ${shape.arrangements} Zipf(1)-popular arrangements, ${pct(fresh)} fresh draws`
  );
}

/** A deterministic corpus sorted by filename, with Lakh-like names `<h>/<32 hex>.mid`. */
export function syntheticCorpus(shape: SyntheticCorpusShape): SongTokens[] {
  const random = seededRandom(shape.seed);
  const tokenOrder = [...POPULAR_TOKENS, ...Array.from({ length: MAX_TOKEN + 1 }, (_, t) => t).filter((t) => !POPULAR_TOKENS.includes(t))];
  const drawToken = weightedSampler(
    tokenOrder.map((_, rank) => (rank + 1) ** -TOKEN_ZIPF),
    random,
  );
  const drawSize = weightedSampler(SIZE_WEIGHTS, random);
  const freshSet = (size: number): Set<number> => {
    const set = new Set<number>();
    while (set.size < size) set.add(tokenOrder[drawToken()]!);
    return set;
  };
  const arrangements = Array.from({ length: shape.arrangements }, () => [...freshSet(drawSize() + 1)]);
  const drawArrangement = weightedSampler(
    arrangements.map((_, rank) => 1 / (rank + 1)),
    random,
  );

  const songs: SongTokens[] = [];
  for (let i = 0; i < shape.songs; i++) {
    const roll = random();
    let tokens: Set<number>;
    if (roll < shape.copyShare + shape.variantShare) {
      tokens = new Set(arrangements[drawArrangement()]!);
      if (roll >= shape.copyShare) {
        if (tokens.size > 1 && random() < 0.5) tokens.delete([...tokens][randomInt(random, tokens.size)]!);
        else for (const size = tokens.size; tokens.size === size && size <= MAX_TOKEN;) tokens.add(tokenOrder[drawToken()]!);
      }
    } else {
      tokens = freshSet(drawSize() + 1);
    }
    songs.push({ filename: lakhStyleName(random), tokens: [...tokens].sort((a, b) => a - b) });
  }
  return sortByFilename(songs);
}

function lakhStyleName(random: () => number): string {
  const hex = Array.from({ length: 4 }, () =>
    randomInt(random, 2 ** 32)
      .toString(16)
      .padStart(8, "0"),
  ).join("");
  return `${hex[0]}/${hex}.mid`;
}

function pct(share: number): string {
  return `${Math.round(share * 100)}%`;
}
