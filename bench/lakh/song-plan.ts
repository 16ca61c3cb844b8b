import { DRUM_TOKEN, sortByFilename, type SongTokens } from "../../src/pipeline/similarity/index.ts";
import { randomInt, seededRandom } from "../../src/pipeline/similarity/seeded-random.ts";
import type { RealMidiProfile } from "./real-midi-profile.ts";
import { weightedSampler } from "../../src/pipeline/similarity/weighted-sampler.ts";

/** One synthetic song before it is rendered: the size and instruments its MIDI file will have. */
export interface PlannedSong {
  /** Lakh-style object key, `<h>/<32 hex>.mid`; also the pipeline's filename. */
  key: string;
  /** Target file size in bytes (rendered within 8 bytes of it, or at the smallest file that holds the instruments). */
  bytes: number;
  /** GM program of each melodic instrument, one track each (a program may repeat, as POP909's three piano tracks do). */
  melodic: number[];
  /** Kit program of each drum instrument (channel 10), one track each. */
  drums: number[];
}

/** The corpus as planned: small enough to keep (no MIDI bytes), exact enough to check the pipeline's output against. */
export interface CorpusPlan {
  songs: PlannedSong[];
  totalBytes: number;
  /** Rows the extraction must write to filename_instrument. */
  instrumentRows: number;
}

/**
 * Draws `count` songs from the real files' profile: each copies the size, melodic and drum
 * instrument counts of one real file (collections weighed equally), and draws each instrument's
 * program from the real files' program popularity. Deterministic for a seed.
 */
export function planCorpus(profile: RealMidiProfile, count: number, seed: number): CorpusPlan {
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`songs must be a positive integer, got ${count}`);
  const random = seededRandom(seed);
  const drawTemplate = weightedSampler(profile.templateWeights, random);
  const drawMelodic = weightedSampler(profile.melodicPrograms, random);
  const drawKit = profile.drumPrograms.some((weight) => weight > 0) ? weightedSampler(profile.drumPrograms, random) : () => 0;
  const songs: PlannedSong[] = [];
  const keys = new Set<string>();
  let totalBytes = 0;
  let instrumentRows = 0;
  while (songs.length < count) {
    const key = lakhStyleKey(random);
    if (keys.has(key)) continue;
    keys.add(key);
    const template = profile.templates[drawTemplate()]!;
    const song: PlannedSong = {
      key,
      bytes: template.bytes,
      melodic: Array.from({ length: template.melodic }, drawMelodic),
      drums: Array.from({ length: template.drums }, drawKit),
    };
    songs.push(song);
    totalBytes += song.bytes;
    instrumentRows += song.melodic.length + song.drums.length;
  }
  return { songs, totalBytes, instrumentRows };
}

/** The similarity step's input as the pipeline will load it (default token mode: any drum kit is one token), sorted by filename. */
export function plannedTokens(songs: readonly PlannedSong[]): SongTokens[] {
  return sortByFilename(
    songs.map((song) => {
      const tokens = new Set(song.melodic);
      if (song.drums.length > 0) tokens.add(DRUM_TOKEN);
      return { filename: song.key, tokens: [...tokens].sort((a, b) => a - b) };
    }),
  );
}

function lakhStyleKey(random: () => number): string {
  let hex = "";
  for (let i = 0; i < 4; i++)
    hex += randomInt(random, 2 ** 32)
      .toString(16)
      .padStart(8, "0");
  return `${hex[0]}/${hex}.mid`;
}
