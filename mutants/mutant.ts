/** The kind of mistake a seeded bug makes: the catalogue's classification, shown in the runner's table. */
export type MutantKind =
  | "wrong retry classification"
  | "wrong retry budget"
  | "missing backoff"
  | "lost checkpoint"
  | "stale checkpoint"
  | "shared checkpoint"
  | "non-idempotent write"
  | "swallowed error"
  | "missing deadline"
  | "wrong exit code"
  | "lost quarantine reason"
  | "stale quarantine";

/** One textual change to one file of the repository. */
export interface MutantEdit {
  /** Path from the repository root, e.g. "src/pipeline/retry.ts". */
  file: string;
  /** Text that must occur exactly once in the file. */
  find: string;
  replace: string;
}

/**
 * The chaos test expected to catch a mutant: a scenario file (run alone by the scenarios detector) or one cell of
 * `chaos-control explore` (run alone with `--filter`), e.g. `explore: pg COMMIT × commit-ack-lost × middle`.
 */
export type ExpectedDetector = `scenario: scenarios/${string}.test.ts` | `explore: ${string}`;

/** An {@link ExpectedDetector} taken apart: the detector to run and what to narrow it to. */
export type DetectorTarget = { detector: "scenarios"; file: string } | { detector: "explore"; cell: string };

export function detectorTarget(expected: ExpectedDetector): DetectorTarget {
  return expected.startsWith("scenario: ")
    ? { detector: "scenarios", file: expected.slice("scenario: ".length) }
    : { detector: "explore", cell: expected.slice("explore: ".length) };
}

/** Whether one of `caughtBy` ("detector: file > test", as the runner records catches) is the expected detector's: its scenario file, or its explore cell. */
export function caughtAsExpected(mutant: Pick<Mutant, "caughtBy">, caughtBy: readonly string[]): boolean {
  const target = detectorTarget(mutant.caughtBy);
  return caughtBy.some((test) =>
    target.detector === "scenarios" ? test.startsWith(`scenarios: ${target.file}`) : test.startsWith("explore: ") && test.includes(target.cell),
  );
}

/** A resilience bug seeded into the pipeline: a realistic mistake that leaves the fault-free run unchanged. */
export interface Mutant {
  /** kebab-case, unique in the catalogue; what `--only` selects. */
  id: string;
  kind: MutantKind;
  /** One line: what the developer got wrong and what it breaks under which fault. */
  description: string;
  edit: MutantEdit;
  /** The chaos test that should catch it; `npm run mutants -- --targeted` runs only that one. */
  caughtBy: ExpectedDetector;
}

/** The edit does not match its file exactly once: the catalogue has drifted from the source and must be updated. */
export class EditMismatchError extends Error {
  constructor(
    readonly mutantId: string,
    readonly file: string,
    readonly occurrences: number,
  ) {
    super(`mutant ${mutantId}: the text to find occurs ${occurrences} times in ${file}, not exactly once; update the catalogue`);
    this.name = "EditMismatchError";
  }
}

/** Counts the non-overlapping occurrences of `needle` in `text`. */
export function occurrences(text: string, needle: string): number {
  if (needle === "") return 0;
  let count = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) count++;
  return count;
}

/** `source` with the mutant's edit applied; throws {@link EditMismatchError} unless the text occurs exactly once. */
export function applyEdit(mutant: Mutant, source: string): string {
  const found = occurrences(source, mutant.edit.find);
  if (found !== 1) throw new EditMismatchError(mutant.id, mutant.edit.file, found);
  const at = source.indexOf(mutant.edit.find);
  return source.slice(0, at) + mutant.edit.replace + source.slice(at + mutant.edit.find.length);
}
