import { describe, expect, it } from "vitest";
import { generateSyntheticCorpus } from "../../../fixtures/synthetic/index.ts";
import { readInstruments } from "./index.ts";

describe("readInstruments on generated songs with known instruments", () => {
  const songs = generateSyntheticCorpus({ seed: 20240611, songs: 400 });

  it("matches the generator's own oracle on 400 songs", () => {
    const mismatches = songs.filter((song) => JSON.stringify(readInstruments(song.bytes)) !== JSON.stringify(song.expected));
    expect(mismatches.map((song) => song.key)).toEqual([]);
  });

  it("covers the cases the oracle is meant to exercise", () => {
    const all = songs.flatMap((song) => song.expected);
    expect(songs.filter((song) => song.key.endsWith("type0.mid")).length).toBeGreaterThan(50);
    expect(songs.filter((song) => song.key.endsWith("type1.mid")).length).toBeGreaterThan(150);
    expect(new Set(all.filter((i) => i.isDrum).map((i) => i.program)).size).toBeGreaterThan(5);
    const channelsWithSeveralPrograms = new Set(all.map((i) => `${i.track}/${i.channel}`)).size < all.length;
    expect(channelsWithSeveralPrograms).toBe(true);
  });

  it("is deterministic for a seed", () => {
    const again = generateSyntheticCorpus({ seed: 20240611, songs: 5 });
    expect(again.map((song) => Buffer.from(song.bytes).toString("hex"))).toEqual(songs.slice(0, 5).map((song) => Buffer.from(song.bytes).toString("hex")));
  });
});
