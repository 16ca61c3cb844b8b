import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { disagreement, ourResult, type ReferenceResult } from "../../../fixtures/reference/pretty-midi-reference.ts";
import { FIXTURE_MIDI_DIR, fixtureCorpus } from "../../../fixtures/real/real-corpus.ts";

/** The reference's answers for the committed real files, recorded in fixtures/real (see its README). */
const recorded = readFileSync(`${FIXTURE_MIDI_DIR}expected-instruments.jsonl`, "utf8")
  .trim()
  .split("\n")
  .map((line) => JSON.parse(line) as ReferenceResult);

describe("readInstruments on the committed real files", () => {
  it("has a recorded answer for every committed file", () => {
    const names = fixtureCorpus().files.map((path) => path.slice(FIXTURE_MIDI_DIR.length));
    expect(recorded.map((result) => result.path).sort()).toEqual(names.sort());
  });

  it.each(recorded.map((result) => [result.path, result] as const))("%s matches pretty_midi", (name, reference) => {
    expect(disagreement(reference, ourResult(new Uint8Array(readFileSync(FIXTURE_MIDI_DIR + name))))).toBeUndefined();
  });
});
