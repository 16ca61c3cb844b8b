/**
 * Splits the text of a simple Query into its statements the way the server's
 * lexer does: on `;` outside string literals (standard `'…'` with `''`,
 * escape strings `E'…'` with backslashes too), quoted identifiers (`"…"` with
 * `""`), dollar-quoted strings (`$$…$$`, `$tag$…$tag$`), `--` line comments
 * and nested `/* … *\/` block comments.
 *
 * Statements that hold nothing but whitespace and comments are dropped, as
 * the server drops them (`SELECT 1;;` runs one statement). Text the lexer
 * would reject (an unterminated quote or comment) stays with the statement it
 * starts in; the server answers that with a syntax error.
 */

const IDENTIFIER_CHAR = /[\p{L}\p{N}_$\u0080-\uffff]/u;
const DOLLAR_TAG = /\$(?:[\p{L}_\u0080-\uffff][\p{L}\p{N}_\u0080-\uffff]*)?\$/uy;

/** The statements of `text`, each trimmed and without its `;`, in order. */
export function splitStatements(text: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let meaningful = false;
  let i = 0;
  const end = (at: number): void => {
    if (meaningful) statements.push(text.slice(start, at).trim());
    start = at + 1;
    meaningful = false;
  };
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === ";") {
      end(i);
      i++;
    } else if (c === "-" && next === "-") {
      const newline = text.indexOf("\n", i + 2);
      i = newline < 0 ? text.length : newline + 1;
    } else if (c === "/" && next === "*") {
      const close = blockCommentEnd(text, i);
      if (close < 0) meaningful = true;
      i = close < 0 ? text.length : close;
    } else if (c === "'") {
      meaningful = true;
      i = quotedEnd(text, i, "'", isEscapeString(text, i));
    } else if (c === '"') {
      meaningful = true;
      i = quotedEnd(text, i, '"', false);
    } else if (c === "$" && !(i > 0 && IDENTIFIER_CHAR.test(text[i - 1]!))) {
      meaningful = true;
      i = dollarQuotedEnd(text, i);
    } else {
      if (!/\s/.test(c)) meaningful = true;
      i++;
    }
  }
  end(text.length);
  return statements;
}

/** Index after the `*\/` that closes the comment opened at `from`, counting nested comments; -1 when none does. */
function blockCommentEnd(text: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < text.length) {
    if (text.startsWith("/*", i)) {
      depth++;
      i += 2;
    } else if (text.startsWith("*/", i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return -1;
}

/** Index after the quote that closes the one at `from`; a doubled quote is an escaped one, and so is a backslashed one in an escape string. */
function quotedEnd(text: string, from: number, quote: string, backslashEscapes: boolean): number {
  let i = from + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (backslashEscapes && c === "\\") {
      i += 2;
    } else if (c === quote) {
      if (text[i + 1] !== quote) return i + 1;
      i += 2;
    } else {
      i++;
    }
  }
  return text.length;
}

/** Whether the quote at `at` opens an escape string: `E'…'` where the E starts a token. */
function isEscapeString(text: string, at: number): boolean {
  const prefix = text[at - 1];
  return (prefix === "E" || prefix === "e") && !(at > 1 && IDENTIFIER_CHAR.test(text[at - 2]!));
}

/** Index after a dollar-quoted string opened at `from`; a `$` that opens none (`$1`, a lone `$`) is one character. */
function dollarQuotedEnd(text: string, from: number): number {
  DOLLAR_TAG.lastIndex = from;
  const tag = DOLLAR_TAG.exec(text)?.[0];
  if (tag === undefined) return from + 1;
  const close = text.indexOf(tag, from + tag.length);
  return close < 0 ? text.length : close + tag.length;
}
