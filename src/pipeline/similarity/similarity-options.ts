/** How the similarity step finds and filters pairs of songs. */
export interface SimilarityOptions {
  /**
   * `lsh`: candidates from MinHash banding, as Scale's Spark MinHashLSH did (may miss pairs).
   * `exact`: every qualifying pair, found by prefix filtering.
   * Either way the stored score is the exact Jaccard of the two token sets.
   */
  mode: "lsh" | "exact";
  /** Songs with fewer distinct tokens take no part in any pair. Scale used 3. */
  minDistinctTokens: number;
  /** A pair qualifies when its Jaccard distance is strictly below this, in (0, 1]. Scale used 0.5. */
  maxDistance: number;
  /** LSH: number of bands, OR-ed; a pair is a candidate when any band matches. */
  bands: number;
  /** LSH: MinHash functions per band, AND-ed. Spark's `numHashTables = 10` is 10 bands x 1 row. */
  rows: number;
  /** LSH: seed of the MinHash coefficients, an integer in [0, 2^32). */
  seed: number;
  /** Pairs per emitted batch; also the unit of resumption. */
  batchSize: number;
}

/** Scale's settings: MinHashLSH with 10 hash tables, >= 3 tokens, distance < 0.5. */
export const DEFAULT_SIMILARITY_OPTIONS: SimilarityOptions = Object.freeze({
  mode: "lsh",
  minDistinctTokens: 3,
  maxDistance: 0.5,
  bands: 10,
  rows: 1,
  seed: 0,
  batchSize: 5_000,
});

/** Signatures take sets x bands x rows x 4 bytes; 1,000 functions is already 100x Spark's setting. */
const MAX_HASH_FUNCTIONS = 1_000;
const MAX_SEED = 2 ** 32 - 1;

/**
 * Fills in defaults and checks every field once, at the edge. Throws an Error whose
 * message names the field, e.g. `similarity.bands must be a positive integer, got -1`.
 */
export function validateSimilarityOptions(input: Partial<SimilarityOptions>): SimilarityOptions {
  if (typeof input !== "object" || input === null) {
    throw new Error(`similarity options must be an object, got ${describe(input)}`);
  }
  for (const key of Object.keys(input)) {
    if (!Object.hasOwn(DEFAULT_SIMILARITY_OPTIONS, key)) {
      throw new Error(`similarity.${key} is not a known option (known: ${Object.keys(DEFAULT_SIMILARITY_OPTIONS).join(", ")})`);
    }
  }
  const options: SimilarityOptions = { ...DEFAULT_SIMILARITY_OPTIONS };
  for (const [key, value] of Object.entries(input) as [keyof SimilarityOptions, unknown][]) {
    if (value !== undefined) Object.assign(options, { [key]: value });
  }
  if (options.mode !== "lsh" && options.mode !== "exact") {
    fail("mode", 'must be "lsh" or "exact"', options.mode);
  }
  requireInteger("minDistinctTokens", options.minDistinctTokens, 1, Number.MAX_SAFE_INTEGER, "a positive integer");
  if (typeof options.maxDistance !== "number" || !(options.maxDistance > 0 && options.maxDistance <= 1)) {
    fail("maxDistance", "must be a number in (0, 1]", options.maxDistance);
  }
  requireInteger("bands", options.bands, 1, MAX_HASH_FUNCTIONS, "a positive integer");
  requireInteger("rows", options.rows, 1, MAX_HASH_FUNCTIONS, "a positive integer");
  if (options.bands * options.rows > MAX_HASH_FUNCTIONS) {
    fail("bands", `times similarity.rows must be at most ${MAX_HASH_FUNCTIONS}`, options.bands * options.rows);
  }
  requireInteger("seed", options.seed, 0, MAX_SEED, `an integer in [0, ${MAX_SEED}]`);
  requireInteger("batchSize", options.batchSize, 1, Number.MAX_SAFE_INTEGER, "a positive integer");
  return options;
}

function requireInteger(field: keyof SimilarityOptions, value: unknown, min: number, max: number, what: string): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    fail(field, `must be ${what}`, value);
  }
}

function fail(field: keyof SimilarityOptions, requirement: string, value: unknown): never {
  throw new Error(`similarity.${field} ${requirement}, got ${describe(value)}`);
}

function describe(value: unknown): string {
  return typeof value === "number" || value === undefined ? String(value) : (JSON.stringify(value) ?? String(value));
}
