/**
 * Similarity-step bench: exact vs LSH search time, pairs found, LSH recall, and memory
 * while the pairs stream (counted, never stored) on a synthetic Lakh-sized corpus.
 *
 *   node --import tsx bench/similarity.ts [songs=176581] [streamSeconds=20]
 */
import { pathToFileURL } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  countSimilarPairs,
  DEFAULT_SIMILARITY_OPTIONS,
  type PairCount,
  type SimilarityOptions,
  similarPairBatches,
  type SongTokens,
} from "../src/pipeline/similarity/index.ts";
import { minHashFamily, minHashSignatures } from "../src/pipeline/similarity/minhash.ts";
import { randomInt, seededRandom } from "../src/pipeline/similarity/seeded-random.ts";
import { DEFAULT_CORPUS_SHAPE, describeCorpusShape, syntheticCorpus } from "../src/pipeline/similarity/synthetic-corpus.ts";
import { groupByTokenSet } from "../src/pipeline/similarity/token-set-groups.ts";

/** The Lakh MIDI Dataset's number of files. */
export const LAKH_SONGS = 176_581;
const MB = 1024 * 1024;
const BAND_SAMPLE_SETS = 200;

export interface SimilarityBenchOptions {
  songs: number;
  /** Streaming stops after this long even if pairs remain; the memory verdict needs only a plateau. */
  streamSeconds: number;
  corpusSeed: number;
  log: (line: string) => void;
}

/** Search time and output size of one mode; the search finds set pairs and counts song pairs without listing them. */
export interface ModeResult {
  searchMs: number;
  count: PairCount;
}

/** Memory sampled while exact-mode pairs stream through a consumer that only counts them. */
export interface StreamResult {
  pairs: number;
  batches: number;
  seconds: number;
  /** Every pair was streamed within the time cap. */
  complete: boolean;
  pairsPerSecond: number;
  /** Heap and RSS once the first batch is out (corpus, groups and index are built). */
  baselineHeapMb: number;
  baselineRssMb: number;
  /** Highest heap seen, garbage not yet collected included. */
  peakHeapMb: number;
  peakRssMb: number;
  /** Highest heap still in use right after a full collection: what the stream retains. */
  peakRetainedHeapMb: number;
  samples: { seconds: number; pairs: number; heapMb: number; retainedHeapMb: number; rssMb: number }[];
}

export interface SimilarityBenchResult {
  corpus: string;
  generateMs: number;
  exact: ModeResult;
  lsh: ModeResult;
  /** LSH pairs / exact pairs, over distinct-set pairs and over song pairs. LSH precision is 1 by construction. */
  recall: { setPairs: number; songPairs: number };
  /** Estimated share of all distinct-set pairs that 10x1 banding would make candidates. */
  bandCandidateShare: number;
  stream: StreamResult;
}

export function runSimilarityBench(input: Partial<SimilarityBenchOptions> = {}): SimilarityBenchResult {
  const {
    songs: songCount,
    streamSeconds,
    corpusSeed,
    log,
  } = { songs: LAKH_SONGS, streamSeconds: 20, corpusSeed: DEFAULT_CORPUS_SHAPE.seed, log: console.log, ...input };
  const shape = { ...DEFAULT_CORPUS_SHAPE, seed: corpusSeed, songs: songCount };
  log(`corpus: ${describeCorpusShape(shape)}`);
  let started = performance.now();
  const songs = syntheticCorpus(shape);
  const generateMs = performance.now() - started;

  const exactOptions: SimilarityOptions = { ...DEFAULT_SIMILARITY_OPTIONS, mode: "exact" };
  const lshOptions: SimilarityOptions = { ...DEFAULT_SIMILARITY_OPTIONS, mode: "lsh" };
  const search = (options: SimilarityOptions): ModeResult => {
    started = performance.now();
    const count = countSimilarPairs(songs, options);
    return { searchMs: performance.now() - started, count };
  };
  const exact = search(exactOptions);
  const lsh = search(lshOptions);
  const recall = { setPairs: lsh.count.setPairs / exact.count.setPairs, songPairs: lsh.count.pairs / exact.count.pairs };
  const bandCandidateShare = estimateBandCandidateShare(songs, lshOptions);
  const { count } = exact;
  log(
    `eligible songs (>= ${exactOptions.minDistinctTokens} tokens): ${count.eligibleSongs} of ${count.songs}, distinct token sets: ${count.distinctSets}; generated in ${ms(generateMs)}`,
  );
  log(
    `exact  search ${ms(exact.searchMs).padStart(9)}: ${exact.count.setPairs} set pairs, ${exact.count.pairs} song pairs (distance < ${exactOptions.maxDistance})`,
  );
  log(
    `lsh    search ${ms(lsh.searchMs).padStart(9)}: ${lsh.count.setPairs} set pairs, ${lsh.count.pairs} song pairs (${lshOptions.bands} bands x ${lshOptions.rows} row, seed ${lshOptions.seed})`,
  );
  log(`lsh recall: ${recall.setPairs.toFixed(6)} of distinct-set pairs, ${recall.songPairs.toFixed(6)} of song pairs; precision 1 (scores are exact)`);
  log(
    `${lshOptions.bands}x${lshOptions.rows} banding alone would make ~${pct(bandCandidateShare)} of all ${pairsOf(count.distinctSets)} distinct-set pairs ` +
      `candidates (estimated from ${BAND_SAMPLE_SETS} sampled sets), so lsh mode filters the exact search's pairs by band instead`,
  );

  const stream = streamPairs(songs, exactOptions, streamSeconds);
  log(
    `stream (exact, batches of ${exactOptions.batchSize}, pairs counted not kept): ${stream.pairs} pairs in ${stream.seconds.toFixed(1)} s ` +
      `(${(stream.pairsPerSecond / 1e6).toFixed(2)} M pairs/s)${stream.complete ? ", complete" : `, stopped at the ${streamSeconds} s cap (${pct(stream.pairs / exact.count.pairs)} of all)`}`,
  );
  for (const sample of stream.samples) {
    log(
      `  t=${sample.seconds.toFixed(1).padStart(5)} s  pairs=${String(sample.pairs).padStart(11)}  ` +
        `heap=${mb(sample.heapMb)}  retained after gc=${mb(sample.retainedHeapMb)}  rss=${mb(sample.rssMb)}`,
    );
  }
  log(
    `memory while streaming: heap ${mb(stream.baselineHeapMb)} after the first batch, retained after gc at most ${mb(stream.peakRetainedHeapMb)}, ` +
      `peak with uncollected garbage ${mb(stream.peakHeapMb)}; rss ${mb(stream.baselineRssMb)} -> peak ${mb(stream.peakRssMb)} ` +
      `(storing the ${stream.pairs} pairs would take ~${((stream.pairs * 100) / MB).toFixed(0)} MB at ~100 B each)`,
  );
  return { corpus: describeCorpusShape(shape), generateMs, exact, lsh, recall, bandCandidateShare, stream };
}

function streamPairs(songs: readonly SongTokens[], options: SimilarityOptions, capSeconds: number): StreamResult {
  const started = performance.now();
  const elapsed = (): number => (performance.now() - started) / 1000;
  let pairs = 0;
  let batches = 0;
  let baseline: NodeJS.MemoryUsage | undefined;
  let peakHeap = 0;
  let peakRss = 0;
  const samples: StreamResult["samples"] = [];
  const sample = (): void => {
    const heapMb = process.memoryUsage().heapUsed / MB;
    collectGarbage();
    const memory = process.memoryUsage();
    samples.push({ seconds: elapsed(), pairs, heapMb, retainedHeapMb: memory.heapUsed / MB, rssMb: memory.rss / MB });
  };
  let nextSampleAt = 0;
  let complete = true;
  for (const batch of similarPairBatches(songs, options)) {
    pairs += batch.pairs.length;
    batches++;
    if (batches % 20 !== 1) continue;
    const memory = process.memoryUsage();
    baseline ??= memory;
    peakHeap = Math.max(peakHeap, memory.heapUsed);
    peakRss = Math.max(peakRss, memory.rss);
    if (elapsed() >= nextSampleAt) {
      sample();
      nextSampleAt += capSeconds / 10;
    }
    if (elapsed() >= capSeconds) {
      complete = false;
      break;
    }
  }
  const memory = process.memoryUsage();
  sample();
  baseline ??= memory;
  return {
    pairs,
    batches,
    seconds: elapsed(),
    complete,
    pairsPerSecond: pairs / elapsed(),
    baselineHeapMb: baseline.heapUsed / MB,
    baselineRssMb: baseline.rss / MB,
    peakHeapMb: Math.max(peakHeap, memory.heapUsed) / MB,
    peakRssMb: Math.max(peakRss, memory.rss) / MB,
    peakRetainedHeapMb: Math.max(...samples.map((s) => s.retainedHeapMb)),
    samples,
  };
}

/** Share of distinct-set pairs that share at least one band, from a sample of sets against all others. */
function estimateBandCandidateShare(songs: readonly SongTokens[], options: SimilarityOptions): number {
  const groups = groupByTokenSet(songs, options.minDistinctTokens);
  const width = options.bands * options.rows;
  const signatures = minHashSignatures(groups.tokens, minHashFamily(width, options.seed));
  const random = seededRandom(99);
  let candidates = 0;
  let compared = 0;
  for (let sample = 0; sample < Math.min(BAND_SAMPLE_SETS, groups.count); sample++) {
    const x = randomInt(random, groups.count);
    for (let y = 0; y < groups.count; y++) {
      if (y === x) continue;
      compared++;
      for (let band = 0; band < options.bands; band++) {
        let row = 0;
        while (row < options.rows && signatures[x * width + band * options.rows + row] === signatures[y * width + band * options.rows + row]) row++;
        if (row === options.rows) {
          candidates++;
          break;
        }
      }
    }
  }
  return compared === 0 ? 0 : candidates / compared;
}

/** A full collection, so sampled heap shows what is retained rather than garbage V8 has not collected yet. */
const collectGarbage: () => void = (() => {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
})();

const ms = (value: number): string => `${Math.round(value)} ms`;
const mb = (value: number): string => `${value.toFixed(0).padStart(4)} MB`;
const pct = (share: number): string => `${(share * 100).toFixed(1)}%`;
const pairsOf = (n: number): number => (n * (n - 1)) / 2;

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [songs, streamSeconds] = process.argv.slice(2).map(Number);
  runSimilarityBench({
    ...(songs !== undefined && Number.isInteger(songs) && songs > 0 ? { songs } : {}),
    ...(streamSeconds !== undefined && streamSeconds > 0 ? { streamSeconds } : {}),
  });
}
