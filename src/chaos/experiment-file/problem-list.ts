import { fieldName, type DataPath } from "../json-schema/index.ts";
import type { FileProblem, SourceDocument } from "./source-document.ts";

/** An error that names the field it is about (`FaultParameterError`, `PostgresRuleValidationError`), relative to what was validated. */
interface FieldError {
  field: string;
  message: string;
}

/**
 * Collects the problems of one file, each located by its data path, so that
 * building the experiment goes on after the first bad entry and reports all.
 */
export class ProblemList {
  private readonly problems: FileProblem[] = [];

  constructor(private readonly source: SourceDocument) {}

  get all(): readonly FileProblem[] {
    return this.problems;
  }

  add(path: DataPath, message: string, atKey = false): void {
    this.problems.push({ field: fieldName(path), line: this.source.lineOf(path, atKey), message });
  }

  addAll(problems: readonly FileProblem[]): void {
    this.problems.push(...problems);
  }

  /**
   * Runs `build`; an error it throws becomes a problem at `path`, or deeper
   * when the error names its field (`match.operation` → `path.match.operation`).
   */
  attempt<T>(path: DataPath, build: () => T, fallback: T): T {
    try {
      return build();
    } catch (error) {
      const named = error as Partial<FieldError>;
      if (typeof named.field === "string" && named.field !== "spec") {
        const fieldPath = named.field.split(".").flatMap(splitIndexes);
        this.add([...path, ...fieldPath], stripPrefix(String(named.message), named.field));
      } else {
        this.add(path, error instanceof Error ? error.message : String(error));
      }
      return fallback;
    }
  }
}

/** `keys[2]` → `["keys", 2]`. */
function splitIndexes(segment: string): (string | number)[] {
  const match = /^([^[]+)((?:\[\d+\])+)$/.exec(segment);
  if (!match) return [segment];
  return [match[1]!, ...[...match[2]!.matchAll(/\[(\d+)\]/g)].map((index) => Number(index[1]))];
}

/** The library's message without its preamble ("invalid fault parameter: "), and without the field when it leads with `field: `. */
function stripPrefix(message: string, field: string): string {
  const bare = message.replace(/^invalid [^:]*: /, "");
  return bare.startsWith(`${field}: `) ? bare.slice(field.length + 2) : bare;
}
