import { JsonPath } from "./json-path.ts";

/** A scalar a JSON body's value can equal. */
export type JsonScalar = string | number | boolean | null;

/**
 * What an HTTP probe expects of a response body, as data: `matches` (a
 * regular expression's source) on the whole body, or on the value at
 * `path` (a JSONPath such as `$.checks[0].status`), which may instead
 * `equal` a scalar or lie within `atLeast` / `atMost`.
 */
export interface BodyCondition {
  path?: string;
  matches?: string;
  /** Flags of `matches`, e.g. "i". */
  flags?: string;
  equals?: JsonScalar;
  atLeast?: number;
  atMost?: number;
}

/** A TypeScript scenario's own test of the body text. */
export type BodyPredicate = (body: string) => boolean;

export type BodyCheck = BodyCondition | BodyPredicate;

/** A body check ready to run: `failure` says why a body does not pass, or undefined when it does. */
export interface CompiledBodyCheck {
  readonly description: string;
  failure(body: string): string | undefined;
}

/** Validates `check` once, at declaration, with errors naming `field`. */
export function compileBodyCheck(check: BodyCheck, field: string): CompiledBodyCheck {
  if (typeof check === "function") {
    const description = `body satisfies ${check.name || "a predicate"}`;
    return { description, failure: (body) => (check(body) ? undefined : `the body did not satisfy ${check.name || "the predicate"}: ${excerpt(body)}`) };
  }
  if (check === null || typeof check !== "object") throw new Error(`${field} must be an object or a function`);
  const path = check.path === undefined ? undefined : JsonPath.parse(check.path, `${field}.path`);
  const pattern = check.matches === undefined ? undefined : compilePattern(check, field);
  if (pattern === undefined && check.equals === undefined && check.atLeast === undefined && check.atMost === undefined) {
    throw new Error(`${field} needs matches, equals, atLeast or atMost`);
  }
  if (path === undefined && (check.equals !== undefined || check.atLeast !== undefined || check.atMost !== undefined)) {
    throw new Error(`${field}: equals, atLeast and atMost compare the value at a path; give ${field}.path`);
  }
  for (const key of ["atLeast", "atMost"] as const) {
    if (check[key] !== undefined && !Number.isFinite(check[key])) throw new Error(`${field}.${key} must be a finite number, got ${JSON.stringify(check[key])}`);
  }
  const where = path ? path.text : "body";
  const description = [
    pattern && `${where} matches /${pattern.source}/${pattern.flags}`,
    check.equals !== undefined && `${where} == ${JSON.stringify(check.equals)}`,
    check.atLeast !== undefined && `${where} >= ${check.atLeast}`,
    check.atMost !== undefined && `${where} <= ${check.atMost}`,
  ]
    .filter(Boolean)
    .join(" and ");
  return {
    description,
    failure: (body) => {
      let value: unknown = body;
      if (path) {
        let document: unknown;
        try {
          document = JSON.parse(body);
        } catch {
          return `the body is not JSON: ${excerpt(body)}`;
        }
        value = path.read(document);
        if (value === undefined) return `the body has no ${path.text}: ${excerpt(body)}`;
      }
      const shown = path ? `${path.text} is ${JSON.stringify(value)}` : `the body ${excerpt(body)}`;
      if (pattern && !pattern.test(typeof value === "string" ? value : JSON.stringify(value)))
        return `${shown}, which does not match /${pattern.source}/${pattern.flags}`;
      if (check.equals !== undefined && value !== check.equals) return `${shown}, not ${JSON.stringify(check.equals)}`;
      if (check.atLeast !== undefined && !(typeof value === "number" && value >= check.atLeast)) return `${shown}, not >= ${check.atLeast}`;
      if (check.atMost !== undefined && !(typeof value === "number" && value <= check.atMost)) return `${shown}, not <= ${check.atMost}`;
      return undefined;
    },
  };
}

function compilePattern(check: BodyCondition, field: string): RegExp {
  try {
    return new RegExp(check.matches!, check.flags?.replace("g", ""));
  } catch (error) {
    throw new Error(`${field}.matches is not a valid regular expression: ${(error as Error).message}`, { cause: error });
  }
}

/** The start of a body, on one line, for error messages. */
function excerpt(body: string): string {
  const line = body.replace(/\s+/g, " ").trim();
  return JSON.stringify(line.length > 120 ? `${line.slice(0, 120)}…` : line);
}
