import { parse, visit, Scalar } from "yaml";
import type { FileProblem, SourceDocument } from "./source-document.ts";

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}/g;
/** A reference as the parser sees it: `${ms}` is `⟦ms⟧`, which YAML reads as a plain scalar even inside `{ }` or `[ ]`. */
const MARK = /⟦([^⟧]*)⟧/g;
const LITERAL = "$";

/** How {@link substituteVariables} treats the variables it is given. */
export interface VariableOptions {
  /** A given variable the file does not use is a problem ("error", the default), or not ("ignore": one of several files uses it). */
  unused?: "error" | "ignore";
  /** Collects the names the file uses. */
  used?: Set<string>;
}

/**
 * Rewrites each `${name}` of the file's text into a mark YAML can parse in
 * any position (`forMs: ${ms}` inside a flow mapping would otherwise not
 * parse), keeping every line where it is. `$${` is a literal `${`.
 */
export function markVariables(text: string): string {
  return text.replace(REFERENCE, (_match, name: string | undefined) => `⟦${name ?? LITERAL}⟧`);
}

/**
 * Replaces every marked `${name}` in the file's values with
 * `variables[name]` before the schema sees them, so a substituted value is
 * validated like a written one. A value that is only `${name}` and not
 * quoted takes the variable's YAML type (`recoveryMs: ${budget}` with
 * `budget=8000` is a number). A name the file uses but the caller did not
 * give, and one given but never used, are problems naming it.
 */
export function substituteVariables(source: SourceDocument, variables: Readonly<Record<string, string>>, options: VariableOptions = {}): FileProblem[] {
  const problems: FileProblem[] = [];
  const used = options.used ?? new Set<string>();
  visit(source.document, {
    Scalar(_key, node) {
      if (typeof node.value !== "string" || !(node.value.includes("⟦") || node.value.includes("${"))) return;
      const line = node.range ? source.lineAtOffset(node.range[0]) : undefined;
      const text = node.value;
      const malformed = /\$\{[^}]*\}?/.exec(text);
      if (malformed)
        problems.push({
          field: malformed[0],
          line,
          message: "is not a variable reference: ${name}, the name of letters, digits, _ . - (write $${ for a literal ${)",
        });
      let missing = malformed !== null;
      const replaced = text.replace(MARK, (match, name: string) => {
        if (name === LITERAL) return "${";
        used.add(name);
        const value = variables[name];
        if (value !== undefined) return value;
        problems.push({ field: `\${${name}}`, line, message: `is not set: pass --var ${name}=…` });
        missing = true;
        return match;
      });
      if (missing) return;
      const whole = /^⟦([^⟧]+)⟧$/.exec(text);
      node.value = whole && whole[1] !== LITERAL && node.type === Scalar.PLAIN ? typed(replaced) : replaced;
    },
  });
  for (const name of Object.keys(variables)) {
    if (options.unused !== "ignore" && !used.has(name)) problems.push({ field: `--var ${name}`, line: undefined, message: `the file uses no \${${name}}` });
  }
  return problems;
}

/** Parses `key=value` arguments (the value may hold `=`); a malformed one is a problem naming it. */
export function parseVariableArguments(pairs: readonly string[]): { variables: Record<string, string>; problems: FileProblem[] } {
  const variables: Record<string, string> = {};
  const problems: FileProblem[] = [];
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    const name = at < 0 ? pair : pair.slice(0, at);
    if (at < 0 || !NAME.test(name)) {
      problems.push({ field: `--var ${pair}`, line: undefined, message: "must be name=value, the name of letters, digits, _ . -" });
    } else if (name in variables) {
      problems.push({ field: `--var ${name}`, line: undefined, message: "is given twice" });
    } else {
      variables[name] = pair.slice(at + 1);
    }
  }
  return { variables, problems };
}

/** A whole-value substitution as YAML reads a plain scalar: a number, boolean or null; anything else stays text. */
function typed(value: string): unknown {
  try {
    const parsed: unknown = parse(value);
    return typeof parsed === "number" || typeof parsed === "boolean" || parsed === null ? parsed : value;
  } catch {
    return value;
  }
}
