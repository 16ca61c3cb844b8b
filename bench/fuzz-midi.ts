/**
 * Feeds seeded mutations of the real corpus to readInstruments: every input must parse or be
 * refused with a MidiFormatError. Exits non-zero on any crash (or, with --reference, on any
 * disagreement with the pretty_midi reference).
 *
 *   node --import tsx bench/fuzz-midi.ts [count=10000] [--seed=1] [--reference]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { brokenInvariants, fuzzInputs } from "../fixtures/fuzz/index.ts";
import { disagreement, ourResult, referenceUnavailableReason, runReference } from "../fixtures/reference/pretty-midi-reference.ts";
import { realCorpus } from "../fixtures/real/real-corpus.ts";
import { MidiFormatError, readInstruments } from "../src/pipeline/midi/index.ts";

export interface MidiFuzzOptions {
  count: number;
  seed: number;
  /** Also run every input through the pretty_midi reference (python3-mido; slow: ~60 inputs/s). */
  reference?: boolean;
}

export interface MidiFuzzSummary {
  inputs: number;
  parsed: number;
  /** Refused inputs by MidiFormatError reason. */
  quarantined: Record<string, number>;
  /** Inputs that threw anything else or returned instruments breaking an invariant, with how to rebuild them. */
  crashes: string[];
  seconds: number;
  reference: { agree: number; disagreements: string[] } | { skipped: string } | undefined;
}

export function runMidiFuzz(options: MidiFuzzOptions): MidiFuzzSummary {
  const corpus = realCorpus();
  const sources = corpus.files.map((path) => new Uint8Array(readFileSync(path)));
  const quarantined: Record<string, number> = {};
  const crashes: string[] = [];
  const kept: { index: number; bytes: Uint8Array }[] = [];
  let parsed = 0;
  const started = performance.now();
  for (const input of fuzzInputs(sources, { seed: options.seed, count: options.count })) {
    const where = `#${input.index} (seed ${options.seed}, from ${corpus.files[input.source]}: ${input.detail})`;
    try {
      const problems = brokenInvariants(readInstruments(input.bytes));
      if (problems.length > 0) crashes.push(`${where}: ${problems.join(", ")}`);
      else parsed++;
    } catch (error) {
      if (error instanceof MidiFormatError) quarantined[error.reason] = (quarantined[error.reason] ?? 0) + 1;
      else crashes.push(`${where}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    if (options.reference === true) kept.push({ index: input.index, bytes: input.bytes });
  }
  const seconds = (performance.now() - started) / 1000;
  return { inputs: options.count, parsed, quarantined, crashes, seconds, reference: options.reference === true ? compareWithReference(kept) : undefined };
}

function compareWithReference(inputs: readonly { index: number; bytes: Uint8Array }[]): MidiFuzzSummary["reference"] {
  const unavailable = referenceUnavailableReason();
  if (unavailable !== undefined) return { skipped: unavailable };
  const scratch = mkdtempSync(join(tmpdir(), "midi-fuzz-"));
  try {
    const paths = inputs.map(({ index, bytes }) => {
      const path = join(scratch, `fuzz-${index}.mid`);
      writeFileSync(path, bytes);
      return path;
    });
    const disagreements: string[] = [];
    let agree = 0;
    for (const reference of runReference(paths)) {
      const problem = disagreement(reference, ourResult(new Uint8Array(readFileSync(reference.path))));
      if (problem === undefined) agree++;
      else disagreements.push(`${reference.path}: ${problem}`);
    }
    return { agree, disagreements };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function formatMidiFuzz(summary: MidiFuzzSummary): string {
  const refused = Object.values(summary.quarantined).reduce((sum, n) => sum + n, 0);
  const lines = [
    `inputs ${summary.inputs} in ${summary.seconds.toFixed(2)} s (${(summary.inputs / summary.seconds).toFixed(0)}/s): parsed ${summary.parsed}, quarantined ${refused}, crashed ${summary.crashes.length}`,
    ...Object.entries(summary.quarantined)
      .sort(([, a], [, b]) => b - a)
      .map(([reason, n]) => `  quarantined ${reason}: ${n}`),
    ...summary.crashes.slice(0, 20).map((crash) => `  CRASH ${crash}`),
  ];
  const { reference } = summary;
  if (reference !== undefined) {
    if ("skipped" in reference) lines.push(`pretty_midi reference: skipped (${reference.skipped})`);
    else {
      lines.push(`pretty_midi reference: ${reference.agree} of ${summary.inputs} agree, ${reference.disagreements.length} disagree`);
      lines.push(...reference.disagreements.slice(0, 20).map((line) => `  DIFF ${line}`));
    }
  }
  return lines.join("\n");
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const count = Number(process.argv.slice(2).find((arg) => /^\d+$/.test(arg)) ?? 10_000);
  const seed = Number(process.argv.find((arg) => arg.startsWith("--seed="))?.slice("--seed=".length) ?? 1);
  const summary = runMidiFuzz({ count, seed, reference: process.argv.includes("--reference") });
  console.log(formatMidiFuzz(summary));
  const failed =
    summary.crashes.length > 0 || (summary.reference !== undefined && "disagreements" in summary.reference && summary.reference.disagreements.length > 0);
  process.exitCode = failed ? 1 : 0;
}
