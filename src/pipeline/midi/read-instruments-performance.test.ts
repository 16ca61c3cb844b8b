import { describe, expect, it } from "vitest";
import { concatBytes, headerChunk, chunk, largeSingleTrackSong } from "../../../fixtures/synthetic/index.ts";
import { readInstruments } from "./index.ts";

/** Generous budgets: the point is to catch quadratic behaviour (minutes), not to benchmark (see bench/midi-parse.ts). */
const BUDGET_MS = 2_000;

describe("readInstruments cost", () => {
  it("reads a single track of 300,000 notes in well under a second", () => {
    const { bytes, expected } = largeSingleTrackSong(300_000);
    const started = performance.now();
    const instruments = readInstruments(bytes);
    const elapsedMs = performance.now() - started;
    expect(instruments).toEqual(expected);
    expect(elapsedMs).toBeLessThan(BUDGET_MS);
  });

  it("reads 30,000 one-note tracks without per-track clearing costs", () => {
    const tracks = Array.from({ length: 30_000 }, (_, i) =>
      chunk("MTrk", [0x00, 0x90 | (i % 16), 60, 100, 0x01, 0x80 | (i % 16), 60, 0, 0x00, 0xff, 0x2f, 0x00]),
    );
    const bytes = concatBytes([headerChunk(1, tracks.length, 480), ...tracks]);
    const started = performance.now();
    const instruments = readInstruments(bytes);
    expect(performance.now() - started).toBeLessThan(BUDGET_MS);
    expect(instruments).toHaveLength(30_000);
    expect(instruments[29_999]).toMatchObject({ track: 29_999, channel: 29_999 % 16, noteCount: 1 });
  });
});
