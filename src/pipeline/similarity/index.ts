/**
 * The similarity step: which songs have similar instrument sets. Reproduces Scale's Spark
 * MinHashLSH + approxSimilarityJoin (mode "lsh") and adds an exact mode; both store the
 * exact Jaccard score and stream pairs in resumable batches.
 */
export { compareFilenames, FILENAME_COLLATION, sortByFilename } from "./filename-order.ts";
export { DRUM_TOKEN, instrumentTokens, MAX_TOKEN, type TokenMode } from "./instrument-tokens.ts";
export { countSimilarPairs, type PairBatch, type PairCount, pairsPerShard, type SimilarPair, similarPairBatches } from "./similar-pairs.ts";
export type { PairShard } from "./pair-shard-plan.ts";
export { DEFAULT_SIMILARITY_OPTIONS, type SimilarityOptions, validateSimilarityOptions } from "./similarity-options.ts";
export type { SongTokens } from "./token-set-groups.ts";
export { bruteForcePairs } from "./brute-force-pairs.ts";
