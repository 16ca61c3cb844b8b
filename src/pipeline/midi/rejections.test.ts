import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { COMMITTED_CORRUPT_FILES, corruptMidiFiles, handMadeCorruptCases, randomCorruptCases } from "../../../fixtures/corrupt/index.ts";
import { MIDI_FORMAT_REASONS, MidiFormatError, readInstruments } from "./index.ts";

function rejection(bytes: Uint8Array): MidiFormatError {
  try {
    readInstruments(bytes);
  } catch (error) {
    if (error instanceof MidiFormatError) return error;
    throw new Error(`threw ${String(error)} instead of a MidiFormatError`, { cause: error });
  }
  throw new Error("accepted a file that must be refused");
}

describe("readInstruments rejections", () => {
  const handMade = handMadeCorruptCases();

  it.each(handMade.map((c) => [c.key, c] as const))("refuses %s with the right reason", (_key, { bytes, reasons }) => {
    expect(reasons).toContain(rejection(bytes).reason);
  });

  it("has a hand-made file for every reason it can give", () => {
    const covered = new Set(handMade.flatMap((c) => c.reasons));
    expect(MIDI_FORMAT_REASONS.filter((reason) => !covered.has(reason))).toEqual([]);
  });

  it("errors say what and where, are client faults and not retryable", () => {
    const error = rejection(handMade.find((c) => c.key === "data-byte-out-of-range.mid")!.bytes);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("MidiFormatError");
    expect(error.message).toMatch(/^data-byte-out-of-range at byte \d+: /);
    expect(error.offset).toBeGreaterThan(14);
    expect({ fault: error.fault, retryable: error.retryable }).toEqual({ fault: "client", retryable: false });
  });

  it.each(Object.entries(COMMITTED_CORRUPT_FILES))("refuses the committed file %s", (name, reasons) => {
    const bytes = new Uint8Array(readFileSync(new URL(`../../../fixtures/corrupt/files/${name}`, import.meta.url)));
    expect(reasons).toContain(rejection(bytes).reason);
  });

  it("refuses 300 seeded truncations, random files and random tracks", () => {
    const wrong = randomCorruptCases(2024, 300).filter((c) => !c.reasons.includes(rejection(c.bytes).reason));
    expect(wrong.map((c) => c.key)).toEqual([]);
  });

  it("refuses every file of the bundled corrupt set the pipeline seeds", () => {
    for (const file of corruptMidiFiles()) expect(file.reasons, file.name).toContain(rejection(file.bytes).reason);
  });
});
