/** What the proxy knows about one statement a client sent: its kind, text and normalised text. */
import { splitStatements } from "./statement-splitter.ts";

/**
 * Kinds a rule can match: transaction control, COPY, every other statement
 * ("query"), and "connect", a new session's startup message, which only a
 * rule naming that kind matches (a rule for any statement keeps to statements).
 */
export const STATEMENT_KINDS = ["begin", "commit", "rollback", "copy", "query", "connect"] as const;
export type StatementKind = (typeof STATEMENT_KINDS)[number];

/** How the statement reached the server. */
export type StatementProtocol = "simple" | "extended";

export interface Statement {
  readonly kind: StatementKind;
  readonly protocol: StatementProtocol;
  /** The text as sent (for the extended protocol: the text of the Parse the Execute refers to). */
  readonly text: string;
  /** Literals, numbers and `$n` replaced by `?`, whitespace collapsed: the key recordings count by. */
  readonly normalized: string;
  /** For COPY: the table, as written in the statement. */
  readonly copyTable?: string;
}

/**
 * The statements of a simple Query, one per `;`-separated statement the
 * server will run; a text with none (empty, or only comments) is one empty
 * statement, which the server answers with EmptyQueryResponse.
 */
export function describeQuery(text: string): Statement[] {
  const texts = splitStatements(text);
  if (texts.length === 0) return [describeStatement(text, "simple")];
  return texts.map((statement) => describeStatement(statement, "simple"));
}

const LEADING_NOISE = /^(?:\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/)*/;

export function describeStatement(text: string, protocol: StatementProtocol): Statement {
  const body = text.replace(LEADING_NOISE, "");
  const kind = kindOf(body);
  const copyTable = kind === "copy" ? /^copy\s+((?:"[^"]+"|[\w.])+)/i.exec(body)?.[1] : undefined;
  return { kind, protocol, text, normalized: normalizeStatement(text), ...(copyTable === undefined ? {} : { copyTable }) };
}

function kindOf(body: string): StatementKind {
  const word = /^[a-z]+/i.exec(body)?.[0]?.toLowerCase();
  switch (word) {
    case "begin":
      return "begin";
    case "start":
      return /^start\s+transaction\b/i.test(body) ? "begin" : "query";
    case "commit":
    case "end":
      return "commit";
    case "rollback":
    case "abort":
      return "rollback";
    case "copy":
      return "copy";
    default:
      return "query";
  }
}

/** A session's startup as the rules see it: the "connect" kind, its text the user and database asked for. */
export function connectStatement(user: string | undefined, database: string | undefined): Statement {
  return { kind: "connect", protocol: "simple", text: `connect user=${user ?? ""} database=${database ?? ""}`, normalized: "connect" };
}

/** Strips what varies between executions of one statement, so equal statements count as one. */
export function normalizeStatement(text: string): string {
  return text
    .replace(/--[^\n]*/g, " ")
    .replace(/\/\*[\s\S]*?\*\//g, " ")
    .replace(/'(?:[^']|'')*'/g, "?")
    .replace(/\$\d+/g, "?")
    .replace(/(?<![\w"])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?\b/gi, "?")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/;$/, "");
}
