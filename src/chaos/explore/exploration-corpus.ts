import { generateSyntheticCorpus } from "../../../fixtures/synthetic/index.ts";
import type { SeedObject } from "../core/index.ts";

/** Songs in the exploration corpus: enough for several write batches and similar pairs, few enough for a run of a second or two. */
export const EXPLORATION_SONGS = 10;

/** The fixed, seeded corpus every exploration runs: the same fault points every time. */
export function explorationCorpus(songs = EXPLORATION_SONGS): SeedObject[] {
  return generateSyntheticCorpus({ seed: 7, songs }).map((song) => ({ key: `songs/${song.key}`, body: song.bytes }));
}
