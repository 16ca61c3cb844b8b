import { randomInt, seededRandom } from "./seeded-random.ts";

/** Spark's MinHashLSH.HASH_PRIME, the modulus of the hash family `((1 + x) * a + b) mod p`. */
export const HASH_PRIME = 2_038_074_743;

/** Coefficients of `count` MinHash functions, drawn from a seed as Spark draws them from its own. */
export interface MinHashFamily {
  a: Float64Array;
  b: Float64Array;
}

export function minHashFamily(count: number, seed: number): MinHashFamily {
  const random = seededRandom(seed);
  const a = new Float64Array(count);
  const b = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    a[i] = 1 + randomInt(random, HASH_PRIME - 1);
    b[i] = randomInt(random, HASH_PRIME - 1);
  }
  return { a, b };
}

/**
 * Each set's signature, function after function: the minimum over its tokens of
 * `((1 + token) * a + b) mod p`. With tokens <= 128 and a, b < 2^31 the product stays
 * below 2^39, far inside the 2^53 where doubles are exact, so no BigInt is needed.
 */
export function minHashSignatures(sets: ReadonlyArray<readonly number[]>, family: MinHashFamily): Uint32Array {
  const count = family.a.length;
  const signatures = new Uint32Array(sets.length * count);
  for (const [id, tokens] of sets.entries()) {
    for (let f = 0; f < count; f++) {
      const a = family.a[f]!;
      const b = family.b[f]!;
      let min = HASH_PRIME;
      for (const token of tokens) {
        const hash = ((1 + token) * a + b) % HASH_PRIME;
        if (hash < min) min = hash;
      }
      signatures[id * count + f] = min;
    }
  }
  return signatures;
}
