import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generatedParityInputs, realParityInputs, type ParityInput } from "../../../fixtures/reference/parity-inputs.ts";
import { disagreement, ourResult, referenceUnavailableReason } from "../../../fixtures/reference/pretty-midi-reference.ts";
import { readReferenceRecord, referenceIdentity, resolveReference, sameIdentity, type RecordedResult } from "../../../fixtures/reference/reference-record.ts";
import { realCorpus } from "../../../fixtures/real/real-corpus.ts";

/**
 * readInstruments against the real thing: mido 1.2.x parsing (Debian's python3-mido) with
 * pretty_midi's instrument rules re-implemented on top (fixtures/reference/). Files must give the
 * same instruments in the same order, or be refused by both for the same cause.
 *
 * Every file is compared with the reference's answer. The answer comes from the live reference
 * for a fixed sample (one real file in 11, one fuzzed file in 10, every small generated file) and
 * for every file the record does not know; for the rest from fixtures/reference/reference-record.jsonl,
 * which `npm run parity:record` writes by running the same reference, never readInstruments: it is
 * the independent answer stored, not an expected output taken from the code under test. It is keyed
 * by the file's sha256 and by the reference script's hash, mido's and Python's versions, and the
 * live sample must equal it, so a stale record fails.
 */
const unavailable = referenceUnavailableReason();
if (unavailable !== undefined) console.warn(`pretty_midi parity SKIPPED: ${unavailable}`);
const title = unavailable === undefined ? "pretty_midi parity" : `pretty_midi parity (SKIPPED: ${unavailable})`;
/** Without a usable record the whole set runs live: ~30 s of CPU, minutes on a loaded machine. */
const REFERENCE_TIMEOUT_MS = 300_000;

function compareAll(inputs: readonly ParityInput[], record: ReadonlyMap<string, RecordedResult>): { agree: number; refusedByBoth: number; problems: string[] } {
  const reference = resolveReference(inputs, record);
  let agree = 0;
  let refusedByBoth = 0;
  const problems = reference.stale.map((stale) => `record is stale (npm run parity:record): ${stale}`);
  for (const answer of reference.results) {
    const ours = ourResult(new Uint8Array(readFileSync(answer.path)));
    const problem = disagreement(answer, ours);
    if (problem === undefined) {
      agree++;
      if (!ours.ok) refusedByBoth++;
    } else {
      problems.push(`${answer.path}: ${problem}`);
    }
  }
  const unrecorded = reference.live - reference.checked;
  console.log(
    `  reference answers: ${reference.live} live (${reference.checked} of them checked against the record, ${unrecorded} not recorded), ${reference.recorded} from the record`,
  );
  if (unrecorded > 0 && record.size > 0) console.warn(`  ${unrecorded} files are not in the reference record: npm run parity:record`);
  return { agree, refusedByBoth, problems };
}

describe.skipIf(unavailable !== undefined)(title, () => {
  // Made in beforeAll, not while collecting: a skipped suite runs no afterAll to remove it.
  let scratch = "";
  let record: ReadonlyMap<string, RecordedResult> = new Map();
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), "midi-parity-"));
    const stored = readReferenceRecord();
    const identity = referenceIdentity();
    if (stored === undefined) console.warn("no pretty_midi reference record (npm run parity:record): every file runs live");
    else if (!sameIdentity(stored.identity, identity)) {
      const [was, is] = [JSON.stringify(stored.identity), JSON.stringify(identity)];
      console.warn(`pretty_midi reference record is for ${was}, this reference is ${is} (npm run parity:record): every file runs live`);
    } else record = stored.results;
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("agrees on every file of the real corpus", { timeout: REFERENCE_TIMEOUT_MS }, () => {
    const corpus = realCorpus();
    const inputs = realParityInputs(corpus);
    const { agree, refusedByBoth, problems } = compareAll(inputs, record);
    console.log(
      `pretty_midi parity, real corpus (${corpus.source}: ${corpus.root}): ${agree} of ${corpus.files.length} files agree, ${refusedByBoth} refused by both`,
    );
    expect(problems).toEqual([]);
    expect(agree).toBe(corpus.files.length);
  });

  it("agrees on mido corner cases, generated songs, corrupt files and fuzzed real files", { timeout: REFERENCE_TIMEOUT_MS }, () => {
    const inputs = generatedParityInputs(realCorpus(), scratch);
    const { agree, refusedByBoth, problems } = compareAll(inputs, record);
    console.log(`pretty_midi parity, generated and mutated: ${agree} of ${inputs.length} files agree, ${refusedByBoth} refused by both`);
    expect(problems).toEqual([]);
    expect(agree).toBe(inputs.length);
  });
});
