/**
 * A small subset of JSONPath, enough to point at one value of a response:
 * `$`, `.name`, `[0]`, `["name"]` / `['name']`. No wildcards, filters or
 * recursion: a probe compares one value.
 */
export class JsonPath {
  private constructor(
    readonly text: string,
    private readonly steps: readonly (string | number)[],
  ) {}

  /** Parses `text`; a bad path throws an error naming `field` and the position. */
  static parse(text: string, field: string): JsonPath {
    if (typeof text !== "string" || !text.startsWith("$")) throw new Error(`${field} must start with "$", got ${JSON.stringify(text)}`);
    const steps: (string | number)[] = [];
    const step = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\]/y;
    step.lastIndex = 1;
    while (step.lastIndex < text.length) {
      const at = step.lastIndex;
      const match = step.exec(text);
      if (!match) throw new Error(`${field}: cannot read ${JSON.stringify(text)} at position ${at} (supported: $.name, $[0], $["name"])`);
      const [, name, index, doubleQuoted, singleQuoted] = match;
      steps.push(index !== undefined ? Number(index) : (name ?? (doubleQuoted ?? singleQuoted)!.replace(/\\(.)/g, "$1")));
    }
    return new JsonPath(text, steps);
  }

  /** The value at this path in `document`, or undefined when some step is missing. */
  read(document: unknown): unknown {
    let current = document;
    for (const step of this.steps) {
      if (current === null || typeof current !== "object") return undefined;
      if (typeof step === "number" ? !Array.isArray(current) : Array.isArray(current)) return undefined;
      if (!Object.hasOwn(current, step)) return undefined;
      current = (current as Record<string | number, unknown>)[step];
    }
    return current;
  }
}
