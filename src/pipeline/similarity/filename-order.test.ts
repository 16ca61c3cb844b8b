import { describe, expect, it } from "vitest";
import { compareFilenames, FILENAME_COLLATION, sortByFilename } from "./index.ts";

const fullwidthBang = "\uFF01.mid"; // U+FF01, UTF-8 EF BC 81
const emoji = "\u{1F600}.mid"; // U+1F600, UTF-16 D83D DE00, UTF-8 F0 9F 98 80

describe("filename order", () => {
  it('is UTF-8 byte order, which is what Postgres uses under COLLATE "C"', () => {
    expect(FILENAME_COLLATION).toBe("C");
    const names = ["b.mid", "a.mid", "é.mid", "Z.mid", emoji, fullwidthBang, "a.midi"];
    const sorted = sortByFilename(names.map((filename) => ({ filename }))).map(({ filename }) => filename);
    const byBytes = [...names].sort((p, q) => Buffer.compare(Buffer.from(p), Buffer.from(q)));
    expect(sorted).toEqual(byBytes);
    expect(sorted).toEqual(["Z.mid", "a.mid", "a.midi", "b.mid", "é.mid", fullwidthBang, emoji]);
  });

  it("differs from JS < only for characters above U+FFFF against U+E000..U+FFFF", () => {
    expect(emoji < fullwidthBang).toBe(true);
    expect(compareFilenames(fullwidthBang, emoji)).toBeLessThan(0);
    expect(compareFilenames("é", "z")).toBeGreaterThan(0);
    expect("é" < "z").toBe(false);
    expect(compareFilenames("same", "same")).toBe(0);
  });

  it("refuses names that differ only in lone surrogates, which have no UTF-8 form", () => {
    expect(() => compareFilenames("\uD800", "\uD801")).toThrow(/lone surrogates/);
  });
});
