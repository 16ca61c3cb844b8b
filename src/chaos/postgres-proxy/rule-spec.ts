/**
 * Rules of the Postgres proxy: a discriminated union keyed by `type`, each
 * matching statements by kind and pattern and firing on an occurrence.
 * `resolveRuleSpec` validates a spec once, at the edge, naming the field at fault.
 */
import type { ErrorSeverity } from "./protocol.ts";
import { STATEMENT_KINDS, type StatementKind } from "./statement.ts";

/** Which statements a rule looks at; every given field must match. */
export interface StatementMatch {
  /** Kinds that match; omitted: every kind. */
  readonly kind?: StatementKind | readonly StatementKind[];
  /** Tested against the statement's text (the Parse text for the extended protocol); omitted: any text. */
  readonly pattern?: RegExp;
  /** Exactly this normalised text (`normalizeStatement`, as recordings count by); omitted: any. */
  readonly normalized?: string;
  /**
   * Tested against every statement of the statement's transaction block
   * (since its BEGIN, itself included); matches when one does. With
   * `kind: "commit"`: the COMMIT of a transaction that ran e.g. `/^COPY filename_instrument\b/i`.
   */
  readonly inTransactionWith?: RegExp;
}

/**
 * Which matches fire: the Nth (counting from 1, over all connections of the
 * proxy), every one, or each with a probability from a seeded generator.
 */
export type Occurrence = { readonly nth: number } | { readonly every: true } | { readonly probability: number; readonly seed: number };

interface RuleBase {
  /** Default: `{ every: true }`. */
  readonly occurrence?: Occurrence;
}

/** Answers the statement with an ErrorResponse instead of forwarding it. */
export interface ErrorRuleSpec extends RuleBase {
  readonly type: "error";
  readonly match: StatementMatch;
  /** Five-character SQLSTATE, e.g. `40001`. */
  readonly sqlstate: string;
  /** Default: a message naming the SQLSTATE and saying the proxy injected it. */
  readonly message?: string;
  /** Default: FATAL for class 08 and 57P01-57P03 (the server ends the session), else ERROR. */
  readonly severity?: ErrorSeverity;
}

/** Forwards the COMMIT, then cuts both connections instead of forwarding its CommandComplete. */
export interface CommitAckLostRuleSpec extends RuleBase {
  readonly type: "commitAckLost";
  /** Default: `{ kind: "commit" }`. */
  readonly match?: StatementMatch;
}

/** Forwards the COPY, then cuts both connections once enough CopyData has passed (or at CopyDone, if that comes first). */
export interface CutMidCopyRuleSpec extends RuleBase {
  readonly type: "cutMidCopy";
  /** Default: `{ kind: "copy" }`. */
  readonly match?: StatementMatch;
  /** Cut once this many CopyData payload bytes have passed. */
  readonly afterBytes?: number;
  /** Cut once this many CopyData messages have passed. Default (when `afterBytes` is not given): 1. */
  readonly afterMessages?: number;
}

/** Delays forwarding the statement, then forwards it unchanged. */
export interface HoldRuleSpec extends RuleBase {
  readonly type: "hold";
  readonly match: StatementMatch;
  /** Milliseconds. */
  readonly delayMs: number;
}

/** Resets both connections at the statement, without forwarding it. */
export interface ResetRuleSpec extends RuleBase {
  readonly type: "reset";
  readonly match: StatementMatch;
}

export type PostgresRuleSpec = ErrorRuleSpec | CommitAckLostRuleSpec | CutMidCopyRuleSpec | HoldRuleSpec | ResetRuleSpec;
export type PostgresRuleType = PostgresRuleSpec["type"];
export const POSTGRES_RULE_TYPES = ["error", "commitAckLost", "cutMidCopy", "hold", "reset"] as const satisfies readonly PostgresRuleType[];

/** The resolved, validated rule: every default filled in. */
export type ResolvedRule =
  | {
      readonly type: "error";
      readonly match: ResolvedMatch;
      readonly occurrence: Occurrence;
      readonly sqlstate: string;
      readonly message: string;
      readonly severity: ErrorSeverity;
    }
  | { readonly type: "commitAckLost"; readonly match: ResolvedMatch; readonly occurrence: Occurrence }
  | {
      readonly type: "cutMidCopy";
      readonly match: ResolvedMatch;
      readonly occurrence: Occurrence;
      readonly afterBytes: number | undefined;
      readonly afterMessages: number | undefined;
    }
  | { readonly type: "hold"; readonly match: ResolvedMatch; readonly occurrence: Occurrence; readonly delayMs: number }
  | { readonly type: "reset"; readonly match: ResolvedMatch; readonly occurrence: Occurrence };

export interface ResolvedMatch {
  readonly kinds: readonly StatementKind[] | undefined;
  readonly pattern: RegExp | undefined;
  readonly normalized: string | undefined;
  readonly inTransactionWith: RegExp | undefined;
}

/** A rule spec is malformed; `field` names the part at fault (`occurrence.nth`, `sqlstate`). */
export class PostgresRuleValidationError extends Error {
  override name = "PostgresRuleValidationError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`invalid Postgres proxy rule: ${field}: ${message}`);
  }
}

export function resolveRuleSpec(spec: PostgresRuleSpec): ResolvedRule {
  if (typeof spec !== "object" || spec === null) throw new PostgresRuleValidationError("spec", "must be an object");
  const type = (spec as { type?: unknown }).type;
  if (!POSTGRES_RULE_TYPES.includes(type as PostgresRuleType)) {
    throw new PostgresRuleValidationError("type", `must be one of ${POSTGRES_RULE_TYPES.join(", ")}; got ${JSON.stringify(type)}`);
  }
  const occurrence = resolveOccurrence(spec.occurrence);
  switch (spec.type) {
    case "error": {
      if (typeof spec.sqlstate !== "string" || !/^[0-9A-Z]{5}$/.test(spec.sqlstate)) {
        throw new PostgresRuleValidationError("sqlstate", `must be five digits or capital letters; got ${JSON.stringify(spec.sqlstate)}`);
      }
      if (spec.message !== undefined && (typeof spec.message !== "string" || spec.message === "")) {
        throw new PostgresRuleValidationError("message", "must be a non-empty string");
      }
      if (spec.severity !== undefined && spec.severity !== "ERROR" && spec.severity !== "FATAL") {
        throw new PostgresRuleValidationError("severity", `must be ERROR or FATAL; got ${JSON.stringify(spec.severity)}`);
      }
      return {
        type: "error",
        match: resolveMatch(spec.match, true),
        occurrence,
        sqlstate: spec.sqlstate,
        message: spec.message ?? `SQLSTATE ${spec.sqlstate} injected by the chaos Postgres proxy`,
        severity: spec.severity ?? defaultSeverity(spec.sqlstate),
      };
    }
    case "commitAckLost":
      return { type: "commitAckLost", match: resolveMatch(spec.match ?? { kind: "commit" }, false), occurrence };
    case "cutMidCopy": {
      const afterBytes = optionalCount(spec.afterBytes, "afterBytes", 0);
      const afterMessages = optionalCount(spec.afterMessages, "afterMessages", 0);
      return {
        type: "cutMidCopy",
        match: resolveMatch(spec.match ?? { kind: "copy" }, false),
        occurrence,
        afterBytes,
        afterMessages: afterBytes === undefined && afterMessages === undefined ? 1 : afterMessages,
      };
    }
    case "hold": {
      if (typeof spec.delayMs !== "number" || !Number.isFinite(spec.delayMs) || spec.delayMs < 0) {
        throw new PostgresRuleValidationError("delayMs", `must be a finite number >= 0 (milliseconds); got ${String(spec.delayMs)}`);
      }
      return { type: "hold", match: resolveMatch(spec.match, true), occurrence, delayMs: spec.delayMs };
    }
    case "reset":
      return { type: "reset", match: resolveMatch(spec.match, true), occurrence };
  }
}

/** A real server ends the session for administrator shutdown (57P01-57P03) and connection exceptions (class 08). */
function defaultSeverity(sqlstate: string): ErrorSeverity {
  return sqlstate.startsWith("08") || /^57P0[123]$/.test(sqlstate) ? "FATAL" : "ERROR";
}

function resolveMatch(match: StatementMatch | undefined, required: boolean): ResolvedMatch {
  if (match === undefined || typeof match !== "object" || match === null) {
    if (required || match !== undefined)
      throw new PostgresRuleValidationError("match", "must be an object with kind, pattern, normalized and/or inTransactionWith");
    return { kinds: undefined, pattern: undefined, normalized: undefined, inTransactionWith: undefined };
  }
  const kinds = match.kind === undefined ? undefined : typeof match.kind === "string" ? [match.kind] : match.kind;
  if (kinds !== undefined) {
    if (!Array.isArray(kinds) || kinds.length === 0) throw new PostgresRuleValidationError("match.kind", "must be a kind or a non-empty list of kinds");
    for (const kind of kinds) {
      if (!STATEMENT_KINDS.includes(kind)) {
        throw new PostgresRuleValidationError("match.kind", `must be one of ${STATEMENT_KINDS.join(", ")}; got ${JSON.stringify(kind)}`);
      }
    }
  }
  if (match.normalized !== undefined && (typeof match.normalized !== "string" || match.normalized === "")) {
    throw new PostgresRuleValidationError("match.normalized", "must be a non-empty string");
  }
  return {
    kinds,
    pattern: resolvePattern(match.pattern, "match.pattern"),
    normalized: match.normalized,
    inTransactionWith: resolvePattern(match.inTransactionWith, "match.inTransactionWith"),
  };
}

function resolvePattern(pattern: RegExp | undefined, field: string): RegExp | undefined {
  if (pattern === undefined) return undefined;
  if (!(pattern instanceof RegExp)) throw new PostgresRuleValidationError(field, "must be a RegExp");
  // A global or sticky RegExp keeps lastIndex between tests; a fresh copy without those flags matches the same way every time.
  return new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ""));
}

function resolveOccurrence(occurrence: Occurrence | undefined): Occurrence {
  if (occurrence === undefined) return { every: true };
  if (typeof occurrence !== "object" || occurrence === null)
    throw new PostgresRuleValidationError("occurrence", "must be { nth }, { every: true } or { probability, seed }");
  const keys = Object.keys(occurrence).sort().join(",");
  if (keys === "nth") {
    const { nth } = occurrence as { nth: unknown };
    if (typeof nth !== "number" || !Number.isInteger(nth) || nth < 1)
      throw new PostgresRuleValidationError("occurrence.nth", `must be an integer >= 1 (counting from 1); got ${String(nth)}`);
    return { nth };
  }
  if (keys === "every") {
    if ((occurrence as { every: unknown }).every !== true) throw new PostgresRuleValidationError("occurrence.every", "must be true");
    return { every: true };
  }
  if (keys === "probability,seed") {
    const { probability, seed } = occurrence as { probability: unknown; seed: unknown };
    if (typeof probability !== "number" || !(probability >= 0 && probability <= 1)) {
      throw new PostgresRuleValidationError("occurrence.probability", `must be a number in [0, 1]; got ${String(probability)}`);
    }
    if (typeof seed !== "number" || !Number.isInteger(seed))
      throw new PostgresRuleValidationError("occurrence.seed", `must be an integer; got ${String(seed)}`);
    return { probability, seed };
  }
  throw new PostgresRuleValidationError("occurrence", `must have exactly nth, every, or probability and seed; got keys ${JSON.stringify(keys)}`);
}

function optionalCount(value: number | undefined, field: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min)
    throw new PostgresRuleValidationError(field, `must be an integer >= ${min}; got ${String(value)}`);
  return value;
}
