import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { corruptMidiFiles } from "../../../fixtures/corrupt/index.ts";
import { fuzzInputs } from "../../../fixtures/fuzz/index.ts";
import { midoCornerCases } from "../../../fixtures/reference/mido-corner-cases.ts";
import { disagreement, ourResult, referenceUnavailableReason, runReference } from "../../../fixtures/reference/pretty-midi-reference.ts";
import { realCorpus } from "../../../fixtures/real/real-corpus.ts";
import { generateSyntheticCorpus } from "../../../fixtures/synthetic/index.ts";

/**
 * readInstruments against the real thing: mido 1.2.x parsing (Debian's python3-mido) with
 * pretty_midi's instrument rules re-implemented on top (fixtures/reference/). Files must give the
 * same instruments in the same order, or be refused by both for the same cause.
 */
const unavailable = referenceUnavailableReason();
if (unavailable !== undefined) console.warn(`pretty_midi parity SKIPPED: ${unavailable}`);
const title = unavailable === undefined ? "pretty_midi parity" : `pretty_midi parity (SKIPPED: ${unavailable})`;
const REFERENCE_TIMEOUT_MS = 300_000;

function compareAll(paths: readonly string[]): { agree: number; refusedByBoth: number; problems: string[] } {
  let agree = 0;
  let refusedByBoth = 0;
  const problems: string[] = [];
  for (const reference of runReference(paths)) {
    const ours = ourResult(new Uint8Array(readFileSync(reference.path)));
    const problem = disagreement(reference, ours);
    if (problem === undefined) {
      agree++;
      if (!ours.ok) refusedByBoth++;
    } else {
      problems.push(`${reference.path}: ${problem}`);
    }
  }
  return { agree, refusedByBoth, problems };
}

describe.skipIf(unavailable !== undefined)(title, () => {
  const scratch = mkdtempSync(join(tmpdir(), "midi-parity-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("agrees on every file of the real corpus", { timeout: REFERENCE_TIMEOUT_MS }, () => {
    const corpus = realCorpus();
    const { agree, refusedByBoth, problems } = compareAll(corpus.files);
    console.log(
      `pretty_midi parity, real corpus (${corpus.source}: ${corpus.root}): ${agree} of ${corpus.files.length} files agree, ${refusedByBoth} refused by both`,
    );
    expect(problems).toEqual([]);
    expect(agree).toBe(corpus.files.length);
  });

  it("agrees on mido corner cases, generated songs, corrupt files and fuzzed real files", { timeout: REFERENCE_TIMEOUT_MS }, () => {
    const paths: string[] = [];
    const write = (name: string, bytes: Uint8Array): void => {
      const path = join(scratch, name.replaceAll("/", "_"));
      writeFileSync(path, bytes);
      paths.push(path);
    };
    for (const { key, bytes } of midoCornerCases()) write(`corner-${key}.mid`, bytes);
    for (const song of generateSyntheticCorpus({ seed: 99, songs: 150 })) write(song.key, song.bytes);
    for (const file of corruptMidiFiles()) write(`corrupt-${file.name}`, file.bytes);
    const sources = realCorpus()
      .files.slice(0, 200)
      .map((path) => new Uint8Array(readFileSync(path)));
    for (const input of fuzzInputs(sources, { seed: 5150, count: 600 })) write(`fuzz-${input.index}.mid`, input.bytes);
    const { agree, refusedByBoth, problems } = compareAll(paths);
    console.log(`pretty_midi parity, generated and mutated: ${agree} of ${paths.length} files agree, ${refusedByBoth} refused by both`);
    expect(problems).toEqual([]);
  });
});
