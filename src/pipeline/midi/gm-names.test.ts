import { describe, expect, it } from "vitest";
import { programToInstrumentName } from "./index.ts";

describe("programToInstrumentName", () => {
  it("spells names as pretty_midi does, quirks included", () => {
    expect(programToInstrumentName(0)).toBe("Acoustic Grand Piano");
    expect(programToInstrumentName(7)).toBe("Clavinet");
    expect(programToInstrumentName(76)).toBe("Blown bottle");
    expect(programToInstrumentName(83)).toBe("Lead 4 chiff");
    expect(programToInstrumentName(87)).toBe("Lead 8 (bass + lead)");
    expect(programToInstrumentName(127)).toBe("Gunshot");
  });

  it("has 128 distinct names", () => {
    expect(new Set(Array.from({ length: 128 }, (_, p) => programToInstrumentName(p))).size).toBe(128);
  });

  it.each([-1, 128, 1.5, Number.NaN])("refuses program %s with a RangeError", (program) => {
    expect(() => programToInstrumentName(program)).toThrow(RangeError);
  });
});
