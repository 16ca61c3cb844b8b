import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { corruptMidiFiles } from "../../fixtures/corrupt/index.ts";
import { generateSyntheticCorpus } from "../../fixtures/synthetic/index.ts";
import { type SeedObject } from "../chaos/core/index.ts";

const REAL_DIR = fileURLToPath(new URL("../../fixtures/real/", import.meta.url));
const SYNTHETIC_SONGS = 300;

/**
 * The corpus the main job seeds: the real MIDI files bundled in
 * `fixtures/real/`, generated songs with known instruments, and corrupt
 * files that must be quarantined; plus every MIDI file under `extraDir`.
 */
export async function loadBundledCorpus(extraDir?: string): Promise<SeedObject[]> {
  const objects: SeedObject[] = [];
  for (const path of await midiFilesUnder(REAL_DIR)) objects.push({ key: `real/${relative(REAL_DIR, path)}`, body: await readFile(path) });
  for (const song of generateSyntheticCorpus({ seed: 1, songs: SYNTHETIC_SONGS })) objects.push({ key: `synthetic/${song.key}`, body: song.bytes });
  for (const file of corruptMidiFiles()) objects.push({ key: `corrupt/${file.name}`, body: file.bytes });
  if (extraDir !== undefined) {
    for (const path of await midiFilesUnder(extraDir)) objects.push({ key: `corpus/${relative(extraDir, path)}`, body: await readFile(path) });
  }
  return objects;
}

async function midiFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && /\.midi?$/i.test(entry.name))
    .map((entry) => join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name))
    .sort();
}
