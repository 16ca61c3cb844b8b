import { describe, expect, it } from "vitest";
import { HASH_PRIME, minHashFamily, minHashSignatures } from "./minhash.ts";

describe("minHashSignatures", () => {
  it("is Spark's ((1 + x) * a + b) mod p, exact for every token (checked with BigInt)", () => {
    const family = minHashFamily(50, 123);
    const tokens = [0, 1, 64, 127, 128];
    const signature = minHashSignatures([tokens], family);
    for (let f = 0; f < 50; f++) {
      const [a, b] = [BigInt(family.a[f]!), BigInt(family.b[f]!)];
      expect(a >= 1n && a < BigInt(HASH_PRIME) && b < BigInt(HASH_PRIME)).toBe(true);
      const min = tokens.map((x) => ((1n + BigInt(x)) * a + b) % BigInt(HASH_PRIME)).reduce((p, q) => (q < p ? q : p));
      expect(BigInt(signature[f]!)).toBe(min);
    }
  });

  it("draws the same coefficients for the same seed and different ones otherwise", () => {
    expect(minHashFamily(10, 7)).toEqual(minHashFamily(10, 7));
    expect(minHashFamily(10, 7).a).not.toEqual(minHashFamily(10, 8).a);
  });
});
