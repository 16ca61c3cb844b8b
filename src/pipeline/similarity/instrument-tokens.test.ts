import { describe, expect, it } from "vitest";
import { DRUM_TOKEN, instrumentTokens } from "./index.ts";

const piano = { program: 0, isDrum: false };
const bass = { program: 33, isDrum: false };
const standardKit = { program: 0, isDrum: true };
const jazzKit = { program: 32, isDrum: true };

describe("instrumentTokens", () => {
  it("default mode: any drum kit is the one drum token, melodic instruments their program", () => {
    expect(instrumentTokens([bass, standardKit, piano, jazzKit, bass], "default")).toEqual([0, 33, DRUM_TOKEN]);
  });

  it("default mode keeps a drum kit 0 apart from Acoustic Grand Piano", () => {
    expect(instrumentTokens([standardKit], "default")).not.toEqual(instrumentTokens([piano], "default"));
  });

  it("scale-compat mode uses the program for drums too, conflating kit 0 with piano as Scale did", () => {
    expect(instrumentTokens([piano, standardKit, jazzKit, bass], "scale-compat")).toEqual([0, 32, 33]);
    expect(instrumentTokens([standardKit], "scale-compat")).toEqual(instrumentTokens([piano], "scale-compat"));
  });

  it("returns sorted distinct tokens, empty for no instruments", () => {
    expect(
      instrumentTokens(
        [
          { program: 127, isDrum: false },
          { program: 5, isDrum: false },
          { program: 5, isDrum: false },
        ],
        "default",
      ),
    ).toEqual([5, 127]);
    expect(instrumentTokens([], "default")).toEqual([]);
  });

  it("rejects programs outside General MIDI and unknown modes", () => {
    expect(() => instrumentTokens([{ program: 128, isDrum: false }], "default")).toThrow(/instrument 0 has program 128/);
    expect(() => instrumentTokens([piano, { program: 1.5, isDrum: true }], "default")).toThrow(/instrument 1/);
    expect(() => instrumentTokens([piano], "spark" as never)).toThrow(/token mode/);
  });
});
