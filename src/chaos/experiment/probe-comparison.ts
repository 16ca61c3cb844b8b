/**
 * A bound on a measured number, as plain data so that an experiment file can
 * declare it: `{ atLeast: 1 }`, `{ atMost: 0.05 }`, `{ equals: 0 }`, or both
 * bounds for a range.
 */
export interface Comparison {
  atLeast?: number;
  atMost?: number;
  equals?: number;
}

/** A TypeScript scenario's own test of a measured number. */
export type ValuePredicate = (value: number) => boolean;

/** What a measured number must satisfy: a {@link Comparison} or a predicate. */
export type ValueExpectation = Comparison | ValuePredicate;

/** Throws an error naming `field` unless `comparison` bounds something with finite numbers. */
export function checkComparison(comparison: Comparison, field: string): void {
  const bounds = (["atLeast", "atMost", "equals"] as const).filter((key) => comparison[key] !== undefined);
  if (bounds.length === 0) throw new Error(`${field} needs atLeast, atMost or equals`);
  for (const key of bounds) {
    if (typeof comparison[key] !== "number" || !Number.isFinite(comparison[key]))
      throw new Error(`${field}.${key} must be a finite number, got ${JSON.stringify(comparison[key])}`);
  }
  if (comparison.equals !== undefined && bounds.length > 1) throw new Error(`${field}.equals cannot be combined with atLeast or atMost`);
  if (comparison.atLeast !== undefined && comparison.atMost !== undefined && comparison.atLeast > comparison.atMost) {
    throw new Error(`${field}.atLeast (${comparison.atLeast}) is above atMost (${comparison.atMost})`);
  }
}

/** Whether `value` satisfies `expectation`. */
export function satisfies(value: number, expectation: ValueExpectation): boolean {
  if (typeof expectation === "function") return expectation(value);
  return (
    (expectation.equals === undefined || value === expectation.equals) &&
    (expectation.atLeast === undefined || value >= expectation.atLeast) &&
    (expectation.atMost === undefined || value <= expectation.atMost)
  );
}

/** Tolerance text for reports, e.g. ">= 1 and <= 5 rows"; a predicate is named by its function name. */
export function describeExpectation(expectation: ValueExpectation, unit: string): string {
  if (typeof expectation === "function") return `satisfies ${expectation.name || "a predicate"}`;
  const parts = [
    expectation.equals !== undefined ? `== ${expectation.equals}` : undefined,
    expectation.atLeast !== undefined ? `>= ${expectation.atLeast}` : undefined,
    expectation.atMost !== undefined ? `<= ${expectation.atMost}` : undefined,
  ].filter((part) => part !== undefined);
  return `${parts.join(" and ")} ${unit}`.trim();
}

/** Validates a declared expectation (predicates pass as they are). */
export function checkExpectation(expectation: ValueExpectation | undefined, field: string): ValueExpectation {
  if (expectation === undefined || expectation === null) throw new Error(`${field} is required`);
  if (typeof expectation !== "function") checkComparison(expectation, field);
  return expectation;
}
