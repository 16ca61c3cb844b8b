import { describe, expect, it } from "vitest";
import { DEFAULT_SIMILARITY_OPTIONS, type SimilarityOptions, validateSimilarityOptions } from "./index.ts";

describe("validateSimilarityOptions", () => {
  it("fills in Scale's settings", () => {
    expect(validateSimilarityOptions({})).toEqual({
      mode: "lsh",
      minDistinctTokens: 3,
      maxDistance: 0.5,
      bands: 10,
      rows: 1,
      seed: 0,
      batchSize: 5_000,
    });
    expect(validateSimilarityOptions({ mode: "exact", batchSize: 7, rows: undefined })).toEqual({ ...DEFAULT_SIMILARITY_OPTIONS, mode: "exact", batchSize: 7 });
  });

  it.each<[Partial<Record<keyof SimilarityOptions, unknown>>, string]>([
    [{ bands: -1 }, "similarity.bands must be a positive integer, got -1"],
    [{ bands: 2.5 }, "similarity.bands must be a positive integer, got 2.5"],
    [{ rows: 0 }, "similarity.rows must be a positive integer, got 0"],
    [{ bands: 100, rows: 20 }, "similarity.bands times similarity.rows must be at most 1000, got 2000"],
    [{ mode: "fuzzy" }, 'similarity.mode must be "lsh" or "exact", got "fuzzy"'],
    [{ minDistinctTokens: 0 }, "similarity.minDistinctTokens must be a positive integer, got 0"],
    [{ maxDistance: 0 }, "similarity.maxDistance must be a number in (0, 1], got 0"],
    [{ maxDistance: 1.5 }, "similarity.maxDistance must be a number in (0, 1], got 1.5"],
    [{ maxDistance: Number.NaN }, "similarity.maxDistance must be a number in (0, 1], got NaN"],
    [{ maxDistance: "0.5" }, 'similarity.maxDistance must be a number in (0, 1], got "0.5"'],
    [{ seed: -3 }, "similarity.seed must be an integer in [0, 4294967295], got -3"],
    [{ batchSize: 0 }, "similarity.batchSize must be a positive integer, got 0"],
  ])("%j is refused with a message naming the field", (input, message) => {
    expect(() => validateSimilarityOptions(input as Partial<SimilarityOptions>)).toThrow(message);
  });

  it("refuses unknown fields by name, so a typo does not silently fall back to a default", () => {
    expect(() => validateSimilarityOptions({ band: 3 } as Partial<SimilarityOptions>)).toThrow(/^similarity\.band is not a known option/);
  });
});
