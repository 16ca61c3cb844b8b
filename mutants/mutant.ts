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

/** A resilience bug seeded into the pipeline: a realistic mistake that leaves the fault-free run unchanged. */
export interface Mutant {
  /** kebab-case, unique in the catalogue; what `--only` selects. */
  id: string;
  kind: MutantKind;
  /** One line: what the developer got wrong and what it breaks under which fault. */
  description: string;
  edit: MutantEdit;
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
