import { corruptMidiFiles, type CorruptMidiFile } from "../../../fixtures/corrupt/index.ts";
import { generateSyntheticCorpus } from "../../../fixtures/synthetic/index.ts";
import { type SeedObject } from "../core/index.ts";

/** `songs` generated MIDI songs (seeded, so every run of a scenario sees the same corpus). */
export function syntheticSongs(songs: number, seed = 7): SeedObject[] {
  return generateSyntheticCorpus({ seed, songs }).map((song) => ({ key: `songs/${song.key}`, body: song.bytes }));
}

/** The corrupt and non-MIDI files the pipeline must quarantine, with the reasons it may give. */
export function corruptObjects(): (SeedObject & { reasons: CorruptMidiFile["reasons"] })[] {
  return corruptMidiFiles().map((file) => ({ key: `corrupt/${file.name}`, body: file.bytes, reasons: file.reasons }));
}
