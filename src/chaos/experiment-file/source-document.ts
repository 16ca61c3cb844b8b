import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { DataPath } from "../json-schema/index.ts";

/** One thing wrong with an experiment file: the field (`method[0].fault.service`), its line, what is wrong. */
export interface FileProblem {
  field: string;
  /** 1-based line in the file; undefined for problems outside it (a `--var` the file does not use). */
  line: number | undefined;
  message: string;
}

/** An experiment file that cannot run; every problem found is listed, each with its field and line. */
export class ExperimentFileError extends Error {
  override name = "ExperimentFileError";
  constructor(
    readonly file: string,
    readonly problems: readonly FileProblem[],
  ) {
    const lines = problems.map((problem) => `  ${file}${problem.line === undefined ? "" : `:${problem.line}`}: ${problem.field}: ${problem.message}`);
    super(`${file}: ${problems.length === 1 ? "1 problem" : `${problems.length} problems`}\n${lines.join("\n")}`);
  }
}

/**
 * A YAML or JSON file (JSON is YAML 1.2) parsed with the position of every
 * node, so that a problem found in its data can name the line it is on.
 */
export class SourceDocument {
  private constructor(
    readonly document: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Parses `text`; syntax errors (duplicate keys included) are problems with their lines. */
  static parse(text: string, file: string): SourceDocument {
    const lines = new LineCounter();
    const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const problems: FileProblem[] = document.errors.map((error) => ({
      field: "(syntax)",
      line: lines.linePos(error.pos[0]).line,
      message: error.message.split("\n")[0]!,
    }));
    if (problems.length > 0) throw new ExperimentFileError(file, problems);
    if (!isMap(document.contents))
      throw new ExperimentFileError(file, [{ field: "(file)", line: 1, message: "must hold an object (a YAML mapping or a JSON object)" }]);
    return new SourceDocument(document, lines);
  }

  /** The file's data as plain JavaScript values. */
  data(): unknown {
    return this.document.toJS();
  }

  /** The line of the value at `path`, or of its key when `key`; the deepest existing node's line when the path ends early. */
  lineOf(path: DataPath, key = false): number | undefined {
    let node: Node | null | undefined = this.document.contents;
    let start = node?.range?.[0];
    for (const [index, segment] of path.entries()) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
        if (pair === undefined) break;
        const last = index === path.length - 1;
        if (key && last && isScalar(pair.key)) return this.line(pair.key.range?.[0]);
        node = pair.value as Node | null;
        start = node?.range?.[0] ?? (isScalar(pair.key) ? pair.key.range?.[0] : start);
      } else if (isSeq(node)) {
        const item = node.items[Number(segment)] as Node | undefined;
        if (item === undefined) break;
        node = item;
        start = item.range?.[0] ?? start;
      } else {
        break;
      }
    }
    return this.line(start);
  }

  /** The 1-based line of a character offset in the file. */
  lineAtOffset(offset: number): number {
    return this.lines.linePos(offset).line;
  }

  private line(offset: number | undefined): number | undefined {
    return offset === undefined ? undefined : this.lineAtOffset(offset);
  }
}
