import { describe, expect, it } from "vitest";
import { compareFilenames, DRUM_TOKEN } from "./index.ts";
import { DEFAULT_CORPUS_SHAPE, describeCorpusShape, syntheticCorpus } from "./synthetic-corpus.ts";

describe("syntheticCorpus", () => {
  const shape = { ...DEFAULT_CORPUS_SHAPE, songs: 5_000 };
  const songs = syntheticCorpus(shape);

  it("is the same for the same shape and sorted by filename bytes, as similarPairBatches needs", () => {
    expect(syntheticCorpus(shape)).toEqual(songs);
    expect(songs).toHaveLength(5_000);
    expect(songs.every((song, i) => i === 0 || compareFilenames(songs[i - 1]!.filename, song.filename) < 0)).toBe(true);
  });

  it("looks like MIDI instrument sets: 1..16 sorted tokens, drums and piano common, many exact repeats", () => {
    expect(songs.every(({ tokens }) => tokens.length >= 1 && tokens.length <= 16 && tokens.every((t, i) => i === 0 || t > tokens[i - 1]!))).toBe(true);
    const share = (token: number) => songs.filter(({ tokens }) => tokens.includes(token)).length / songs.length;
    expect(share(DRUM_TOKEN)).toBeGreaterThan(0.5);
    expect(share(0)).toBeGreaterThan(share(120));
    const distinct = new Set(songs.map(({ tokens }) => tokens.join(","))).size;
    expect(distinct / songs.length).toBeLessThan(0.7);
    expect(describeCorpusShape(shape)).toMatch(/^5000 songs/);
  });
});
