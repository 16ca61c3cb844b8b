import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { brokenInvariants, fuzzInputs } from "../../../fixtures/fuzz/index.ts";
import { fixtureCorpus } from "../../../fixtures/real/real-corpus.ts";
import { generateSyntheticCorpus } from "../../../fixtures/synthetic/index.ts";
import { MIDI_FORMAT_REASONS, MidiFormatError, readInstruments } from "./index.ts";

const MUTATIONS = 500;
const SEED = 1337;

describe(`readInstruments under ${MUTATIONS} seeded mutations of real files`, () => {
  const sources = [
    ...fixtureCorpus()
      .files.map((path) => new Uint8Array(readFileSync(path)))
      .filter((bytes) => bytes.length > 100),
    ...generateSyntheticCorpus({ seed: SEED, songs: 5 }).map((song) => song.bytes),
  ];

  it("either returns well-formed instruments or throws a MidiFormatError with a known reason", () => {
    const outcomes = new Map<string, number>();
    const crashes: string[] = [];
    for (const input of fuzzInputs(sources, { seed: SEED, count: MUTATIONS })) {
      let outcome: string;
      try {
        const problems = brokenInvariants(readInstruments(input.bytes));
        if (problems.length > 0) crashes.push(`#${input.index} (${input.detail}): ${problems.join(", ")}`);
        outcome = "parsed";
      } catch (error) {
        if (!(error instanceof MidiFormatError) || !(MIDI_FORMAT_REASONS as readonly string[]).includes(error.reason)) {
          crashes.push(`#${input.index} (${input.detail}): ${String(error)}`);
          continue;
        }
        outcome = error.reason;
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    expect(crashes).toEqual([]);
    // Mutations must reach both sides, or the test proves little.
    expect(outcomes.get("parsed") ?? 0).toBeGreaterThan(MUTATIONS / 20);
    expect(outcomes.size).toBeGreaterThan(5);
  });
});
