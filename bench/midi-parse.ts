/**
 * Parse speed of the instrument step against Debian's python3-mido over the real corpus, plus
 * the single-track 300,000-note file that made @tonejs/midi quadratic.
 *
 *   node --import tsx bench/midi-parse.ts [--large-notes=300000] [--min-seconds=2] [--no-mido]
 */
import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { referenceUnavailableReason, REFERENCE_PYTHON } from "../fixtures/reference/pretty-midi-reference.ts";
import { realCorpus, type RealCorpus } from "../fixtures/real/real-corpus.ts";
import { largeSingleTrackSong } from "../fixtures/synthetic/index.ts";
import { MidiFormatError, readInstruments } from "../src/pipeline/midi/index.ts";

export interface MidiParseBenchOptions {
  /** Keep re-reading the in-memory corpus until this much time has passed; default 2 s. */
  minSeconds?: number;
  /** Notes in the generated single-track file; default 300,000. */
  largeNotes?: number;
  /** Notes in the file given to @tonejs/midi (quadratic: keep it small); default 80,000; 0 skips it. */
  tonejsNotes?: number;
  /** Time python3-mido over the corpus (about 20 s); default true. */
  mido?: boolean;
}

/** Throughput of one reader over a set of files. */
export interface Throughput {
  seconds: number;
  files: number;
  bytes: number;
  filesPerSecond: number;
  mbPerSecond: number;
}

export interface MidiParseBenchResult {
  corpus: { source: RealCorpus["source"]; root: string; files: number; bytes: number; refused: number };
  /** readInstruments on bytes already in memory, best sustained rate over repeated passes. */
  inMemory: Throughput;
  /** readFileSync + readInstruments per file: the same work `mido.MidiFile(path)` does. */
  fromDisk: Throughput;
  /** midi-file's parseMidi (events only, no instruments) on the same bytes, for scale. */
  midiFile: Throughput;
  mido: Throughput | { skipped: string };
  /** fromDisk files/s over mido files/s. */
  speedupOverMido: number | undefined;
  large: { notes: number; bytes: number; parseMs: number; instruments: number };
  tonejs: { notes: number; parseMs: number; readInstrumentsMs: number } | undefined;
}

const MB = 1024 * 1024;

function throughput(seconds: number, files: number, bytes: number): Throughput {
  return { seconds, files, bytes, filesPerSecond: files / seconds, mbPerSecond: bytes / MB / seconds };
}

/** Runs fn over every file, again and again for at least minSeconds; returns the best pass. */
function timePasses(minSeconds: number, files: readonly Uint8Array[], fn: (bytes: Uint8Array) => void): number {
  let best = Number.POSITIVE_INFINITY;
  const deadline = performance.now() + minSeconds * 1000;
  do {
    const started = performance.now();
    for (const bytes of files) fn(bytes);
    best = Math.min(best, (performance.now() - started) / 1000);
  } while (performance.now() < deadline);
  return best;
}

function tryRead(bytes: Uint8Array): boolean {
  try {
    readInstruments(bytes);
    return true;
  } catch (error) {
    if (error instanceof MidiFormatError) return false;
    throw error;
  }
}

const MIDO_TIMER = `
import json, sys, time
import mido
paths = [line.rstrip("\\n") for line in sys.stdin if line.strip()]
seconds, parsed, failed = 0.0, 0, 0
for path in paths:
    started = time.perf_counter()
    try:
        mido.MidiFile(path)
        parsed += 1
    except Exception:
        failed += 1
    seconds += time.perf_counter() - started
print(json.dumps({"seconds": seconds, "parsed": parsed, "failed": failed}))
`;

function timeMido(paths: readonly string[], bytes: number): Throughput | { skipped: string } {
  const unavailable = referenceUnavailableReason();
  if (unavailable !== undefined) return { skipped: unavailable };
  const run = spawnSync(REFERENCE_PYTHON, ["-c", MIDO_TIMER], { input: paths.join("\n"), encoding: "utf8", maxBuffer: 1 << 24 });
  if (run.status !== 0) return { skipped: `python3-mido run failed: ${run.stderr.trim().split("\n").pop()}` };
  const { seconds } = JSON.parse(run.stdout) as { seconds: number };
  return throughput(seconds, paths.length, bytes);
}

function timeTonejs(notes: number): MidiParseBenchResult["tonejs"] {
  if (notes <= 0) return undefined;
  const { Midi } = createRequire(import.meta.url)("@tonejs/midi") as { Midi: new (bytes: Uint8Array) => unknown };
  const { bytes } = largeSingleTrackSong(notes);
  let started = performance.now();
  new Midi(bytes);
  const parseMs = performance.now() - started;
  started = performance.now();
  readInstruments(bytes);
  return { notes, parseMs, readInstrumentsMs: performance.now() - started };
}

export async function runMidiParseBench(options: MidiParseBenchOptions = {}): Promise<MidiParseBenchResult> {
  const minSeconds = options.minSeconds ?? 2;
  const corpus = realCorpus();
  const files = corpus.files.map((path) => new Uint8Array(readFileSync(path)));
  const bytes = files.reduce((sum, file) => sum + file.length, 0);
  const refused = files.filter((file) => !tryRead(file)).length;

  const inMemory = throughput(timePasses(minSeconds, files, tryRead), files.length, bytes);
  let started = performance.now();
  for (const path of corpus.files) tryRead(readFileSync(path));
  const fromDisk = throughput((performance.now() - started) / 1000, files.length, bytes);

  const { parseMidi } = createRequire(import.meta.url)("midi-file") as { parseMidi: (bytes: Uint8Array) => unknown };
  const midiFile = throughput(
    timePasses(minSeconds / 2, files, (file) => {
      try {
        parseMidi(file);
      } catch {
        // midi-file throws plain strings on some corrupt files; only its speed matters here.
      }
    }),
    files.length,
    bytes,
  );

  const mido =
    options.mido === false
      ? { skipped: "disabled (--no-mido)" }
      : timeMido(
          corpus.files,
          corpus.files.reduce((sum, path) => sum + statSync(path).size, 0),
        );
  const speedupOverMido = "skipped" in mido ? undefined : fromDisk.filesPerSecond / mido.filesPerSecond;

  const large = largeSingleTrackSong(options.largeNotes ?? 300_000);
  readInstruments(large.bytes); // warm-up: the first call also compiles
  const runs: number[] = [];
  let instruments = 0;
  for (let i = 0; i < 5; i++) {
    started = performance.now();
    instruments = readInstruments(large.bytes).length;
    runs.push(performance.now() - started);
  }
  runs.sort((a, b) => a - b);

  return {
    corpus: { source: corpus.source, root: corpus.root, files: files.length, bytes, refused },
    inMemory,
    fromDisk,
    midiFile,
    mido,
    speedupOverMido,
    large: { notes: options.largeNotes ?? 300_000, bytes: large.bytes.length, parseMs: runs[2]!, instruments },
    tonejs: timeTonejs(options.tonejsNotes ?? 80_000),
  };
}

export function formatMidiParseBench(result: MidiParseBenchResult): string {
  const rate = (t: Throughput): string =>
    `${t.filesPerSecond.toFixed(0).padStart(8)} files/s ${t.mbPerSecond.toFixed(1).padStart(7)} MB/s  (${t.seconds.toFixed(3)} s)`;
  const { corpus, large, tonejs, mido } = result;
  const lines = [
    `corpus: ${corpus.files} files, ${(corpus.bytes / MB).toFixed(1)} MB from ${corpus.source} (${corpus.root}), ${corpus.refused} refused`,
    `readInstruments, in memory        ${rate(result.inMemory)}`,
    `readInstruments, with file reads  ${rate(result.fromDisk)}`,
    `midi-file parseMidi, in memory    ${rate(result.midiFile)}`,
    "skipped" in mido ? `python3-mido MidiFile(path)       skipped: ${mido.skipped}` : `python3-mido MidiFile(path)       ${rate(mido)}`,
    result.speedupOverMido === undefined
      ? "speed-up over mido: n/a"
      : `speed-up over mido (with file reads): ${result.speedupOverMido.toFixed(1)}x (target >= 10x)`,
    `single track, ${large.notes.toLocaleString("en")} notes (${(large.bytes / MB).toFixed(1)} MB): readInstruments ${large.parseMs.toFixed(1)} ms (median of 5), ${large.instruments} instruments`,
  ];
  if (tonejs !== undefined) {
    lines.push(
      `single track, ${tonejs.notes.toLocaleString("en")} notes: @tonejs/midi ${tonejs.parseMs.toFixed(0)} ms, readInstruments ${tonejs.readInstrumentsMs.toFixed(1)} ms`,
    );
  }
  return lines.join("\n");
}

function flag(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runMidiParseBench({
    minSeconds: Number(flag("min-seconds") ?? 2),
    largeNotes: Number(flag("large-notes") ?? 300_000),
    tonejsNotes: Number(flag("tonejs-notes") ?? 80_000),
    mido: !process.argv.includes("--no-mido"),
  });
  console.log(formatMidiParseBench(result));
}
