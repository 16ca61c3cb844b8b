import { describe, expect, it } from "vitest";
import { readInstruments } from "../../src/pipeline/index.ts";
import { DRUM_TOKEN } from "../../src/pipeline/similarity/index.ts";
import { seededRandom } from "../../src/pipeline/similarity/seeded-random.ts";
import { profileOf } from "./real-midi-profile.ts";
import { planCorpus, plannedTokens } from "./song-plan.ts";
import { renderSong } from "./synthetic-midi.ts";
import { weightedSampler } from "../../src/pipeline/similarity/weighted-sampler.ts";

const piano = { program: 0, isDrum: false };
const bass = { program: 33, isDrum: false };
const kit = { program: 16, isDrum: true };
/** Collection "small": 3 songs of 3 pianos, 10 KB, no drums. Collection "band": 1 song, 40 KB, piano, bass and drums. */
const profile = profileOf([
  { name: "small", rejected: 0, songs: Array.from({ length: 3 }, () => ({ bytes: 10_000, instruments: [piano, piano, piano] })) },
  { name: "band", rejected: 1, songs: [{ bytes: 40_000, instruments: [piano, bass, kit] }] },
]);

describe("weightedSampler", () => {
  it("draws each index in proportion to its weight and never a zero weight", () => {
    const draw = weightedSampler([1, 3, 0, 6], seededRandom(7));
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 100_000; i++) counts[draw()]!++;
    expect(counts[2]).toBe(0);
    expect(counts.map((n) => n / 100_000)).toEqual([expect.closeTo(0.1, 2), expect.closeTo(0.3, 2), 0, expect.closeTo(0.6, 2)]);
  });

  it("names the bad weight", () => {
    expect(() => weightedSampler([1, -2], Math.random)).toThrow("weights[1] must be a finite number >= 0, got -2");
    expect(() => weightedSampler([0, 0], Math.random)).toThrow("must not all be zero");
  });
});

describe("the real files' profile", () => {
  it("weighs every collection the same, however many files it has", () => {
    expect(profile.templateWeights).toEqual([1 / 6, 1 / 6, 1 / 6, 1 / 2]);
    // Melodic instruments: "small" is all piano; "band" is half piano, half bass.
    expect(profile.melodicPrograms[0]).toBeCloseTo(0.5 + 0.25);
    expect(profile.melodicPrograms[33]).toBeCloseTo(0.25);
    expect(profile.drumPrograms[16]).toBeCloseTo(0.5);
    expect(profile.sources).toEqual([
      { name: "small", files: 3, rejected: 0 },
      { name: "band", files: 1, rejected: 1 },
    ]);
  });
});

describe("planCorpus", () => {
  it("draws sizes, instrument counts and drum share from the profile", () => {
    const plan = planCorpus(profile, 20_000, 3);
    const band = plan.songs.filter((song) => song.bytes === 40_000);
    expect(band.length / 20_000).toBeCloseTo(0.5, 1);
    expect(band.every((song) => song.melodic.length === 2 && song.drums.length === 1)).toBe(true);
    expect(plan.songs.every((song) => song.bytes === 40_000 || (song.melodic.length === 3 && song.drums.length === 0))).toBe(true);
    expect(plan.totalBytes).toBe(band.length * 40_000 + (20_000 - band.length) * 10_000);
    expect(plan.instrumentRows).toBe(20_000 * 3);
    expect(new Set(plan.songs.map((song) => song.key)).size).toBe(20_000);
    expect(plan.songs[0]!.key).toMatch(/^([0-9a-f])\/\1[0-9a-f]{31}\.mid$/);
  });

  it("is the same for the same seed", () => {
    expect(planCorpus(profile, 50, 9)).toEqual(planCorpus(profile, 50, 9));
    expect(planCorpus(profile, 50, 9)).not.toEqual(planCorpus(profile, 50, 10));
  });

  it("names a bad song count", () => {
    expect(() => planCorpus(profile, 0, 1)).toThrow("songs must be a positive integer, got 0");
  });

  it("gives the similarity step one token for drums, whatever the kit", () => {
    const [song] = plannedTokens([{ key: "a/a.mid", bytes: 100, melodic: [5, 0, 5], drums: [16, 0] }]);
    expect(song).toEqual({ filename: "a/a.mid", tokens: [0, 5, DRUM_TOKEN] });
  });
});

describe("renderSong", () => {
  it("writes a file of the planned size that the pipeline reads as the planned instruments", () => {
    for (const song of planCorpus(profile, 40, 5).songs) {
      const bytes = renderSong(song);
      expect(Math.abs(bytes.byteLength - song.bytes)).toBeLessThan(8);
      const instruments = readInstruments(bytes);
      expect(instruments.map(({ program, isDrum }) => ({ program, isDrum }))).toEqual([
        ...song.melodic.map((program) => ({ program, isDrum: false })),
        ...song.drums.map((program) => ({ program, isDrum: true })),
      ]);
    }
  });

  it("pads a song without instruments to its size and gives it none", () => {
    for (const size of [40, 200, 20_000]) {
      const bytes = renderSong({ key: "0/0.mid", bytes: size, melodic: [], drums: [] });
      expect(bytes.byteLength).toBe(size);
      expect(readInstruments(bytes)).toEqual([]);
    }
  });

  it("holds every instrument even when the size is smaller than they need", () => {
    const bytes = renderSong({ key: "0/0.mid", bytes: 10, melodic: Array.from({ length: 20 }, (_, i) => i), drums: [0] });
    expect(readInstruments(bytes)).toHaveLength(21);
  });
});
