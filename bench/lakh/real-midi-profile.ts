import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readInstruments } from "../../src/pipeline/index.ts";

/** The real files next to the repository (`../shared/midi`), described by their README. */
export const REAL_MIDI_DIR = fileURLToPath(new URL("../../../shared/midi", import.meta.url));

/**
 * Folders that are not songs: jazz-soft's files each exercise one corner of the MIDI format
 * (a 200-byte file with one note, a file of 128 instruments), so they would skew sizes and counts.
 */
export const NOT_SONGS = ["edge-jazz-soft"] as const;

/** What a synthetic song copies from one real file: its size and how many instruments of each kind it has. */
export interface SongTemplate {
  /** The folder (collection) it came from. */
  source: string;
  bytes: number;
  melodic: number;
  drums: number;
}

/**
 * Sizes, instrument counts and drum share of real MIDI files, and their programs' popularity.
 * Every collection weighs the same: POP909's 909 piano arrangements (3 instruments, program 0,
 * no drums) would otherwise make 85% of the corpus one arrangement.
 */
export interface RealMidiProfile {
  templates: SongTemplate[];
  /** Sampling weight of each template: 1 / (its collection's files × collections). */
  templateWeights: number[];
  /** Weight of each GM program 0..127 among melodic instruments, collections weighed equally. */
  melodicPrograms: number[];
  /** The same for drum-kit programs (channel 10). */
  drumPrograms: number[];
  /** Files per collection read, and those the pipeline's reader rejected (left out). */
  sources: { name: string; files: number; rejected: number }[];
}

/** Reads every file of every collection under `dir` (except {@link NOT_SONGS}) with the pipeline's own reader. */
export async function readRealMidiProfile(dir = REAL_MIDI_DIR): Promise<RealMidiProfile> {
  const folders = (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory() && !(NOT_SONGS as readonly string[]).includes(entry.name))
    .map((entry) => entry.name)
    .sort();
  const collections: { name: string; songs: { bytes: number; instruments: { program: number; isDrum: boolean }[] }[]; rejected: number }[] = [];
  for (const name of folders) {
    const files = (await readdir(join(dir, name))).filter((file) => /\.midi?$/i.test(file)).sort();
    const songs = [];
    let rejected = 0;
    for (const file of files) {
      const bytes = await readFile(join(dir, name, file));
      try {
        songs.push({ bytes: bytes.byteLength, instruments: readInstruments(bytes) });
      } catch {
        rejected++;
      }
    }
    if (songs.length > 0) collections.push({ name, songs, rejected });
  }
  if (collections.length === 0) throw new Error(`no readable MIDI files under ${dir}: the profile needs the real files (see its README)`);
  return profileOf(collections);
}

/** The profile of already-read collections; pure, for tests. */
export function profileOf(
  collections: { name: string; songs: { bytes: number; instruments: { program: number; isDrum: boolean }[] }[]; rejected: number }[],
): RealMidiProfile {
  const templates: SongTemplate[] = [];
  const templateWeights: number[] = [];
  const melodicPrograms = new Array<number>(128).fill(0);
  const drumPrograms = new Array<number>(128).fill(0);
  for (const { name, songs } of collections) {
    const instruments = songs.flatMap((song) => song.instruments);
    const melodicTotal = instruments.filter((instrument) => !instrument.isDrum).length;
    const drumTotal = instruments.length - melodicTotal;
    for (const instrument of instruments) {
      if (instrument.isDrum) drumPrograms[instrument.program]! += 1 / drumTotal / collections.length;
      else melodicPrograms[instrument.program]! += 1 / melodicTotal / collections.length;
    }
    for (const song of songs) {
      const drums = song.instruments.filter((instrument) => instrument.isDrum).length;
      templates.push({ source: name, bytes: song.bytes, melodic: song.instruments.length - drums, drums });
      templateWeights.push(1 / songs.length / collections.length);
    }
  }
  return {
    templates,
    templateWeights,
    melodicPrograms,
    drumPrograms,
    sources: collections.map(({ name, songs, rejected }) => ({ name, files: songs.length, rejected })),
  };
}

/** Weighted means of the profile: what a corpus drawn from it looks like on average. */
export function describeProfile(profile: RealMidiProfile): string {
  let bytes = 0;
  let instruments = 0;
  let withDrums = 0;
  profile.templates.forEach((template, i) => {
    const weight = profile.templateWeights[i]!;
    bytes += weight * template.bytes;
    instruments += weight * (template.melodic + template.drums);
    withDrums += template.drums > 0 ? weight : 0;
  });
  const sources = profile.sources.map((source) => `${source.name} ${source.files}${source.rejected > 0 ? ` (+${source.rejected} rejected)` : ""}`).join(", ");
  return (
    `${profile.templates.length} real files (${sources}), each collection weighing the same: ` +
    `mean ${(bytes / 1024).toFixed(1)} KiB, ${instruments.toFixed(1)} instruments, ${(withDrums * 100).toFixed(0)}% with drums`
  );
}
