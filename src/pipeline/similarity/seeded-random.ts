/**
 * A deterministic PRNG (mulberry32) returning floats in [0, 1). Same seed, same
 * sequence on every platform and Node version, which is what reproducible hash
 * coefficients and test corpora need; it is not for anything secret.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A uniform integer in [0, bound) drawn from `random`. */
export function randomInt(random: () => number, bound: number): number {
  return Math.floor(random() * bound);
}
