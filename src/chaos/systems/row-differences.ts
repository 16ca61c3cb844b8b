import type { IntegrityCounts, IntegrityVerdict, QuarantineEntry } from "../core/index.ts";

/** How many differences of each kind a verdict lists; every one is counted. */
const LISTED = 10;

/** The rows of a run that differ from the golden run's, each named by its key (e.g. `instrument a.mid#0`, `synced_item 3`). */
export interface RowDifferences {
  lost: string[];
  extra: string[];
  duplicated: string[];
  /** `<key>: <value> instead of <golden value>`. */
  mismatched: string[];
}

/**
 * Compares `actual` with `golden` row by row: a row is identified by
 * `keyOf` and its values by `valueOf`. A key seen twice or more is
 * duplicated once; its first copy is compared.
 */
export function compareRows<T>(golden: readonly T[], actual: readonly T[], keyOf: (row: T) => string, valueOf: (row: T) => string): RowDifferences {
  const expected = new Map(golden.map((row) => [keyOf(row), valueOf(row)]));
  const seen = new Map<string, number>();
  const differences: RowDifferences = { lost: [], extra: [], duplicated: [], mismatched: [] };
  for (const row of actual) {
    const key = keyOf(row);
    const times = (seen.get(key) ?? 0) + 1;
    seen.set(key, times);
    if (times === 2) differences.duplicated.push(key);
    if (times > 1) continue;
    const value = expected.get(key);
    if (value === undefined) differences.extra.push(key);
    else if (value !== valueOf(row)) differences.mismatched.push(`${key}: ${valueOf(row)} instead of ${value}`);
  }
  for (const key of expected.keys()) if (!seen.has(key)) differences.lost.push(key);
  return differences;
}

/** The differences of several tables (or oracle queries) as one, in the order given. */
export function concatDifferences(parts: readonly RowDifferences[]): RowDifferences {
  return {
    lost: parts.flatMap((part) => part.lost),
    extra: parts.flatMap((part) => part.extra),
    duplicated: parts.flatMap((part) => part.duplicated),
    mismatched: parts.flatMap((part) => part.mismatched),
  };
}

/** What a system's oracle found, for {@link integrityVerdict}. */
export interface OracleFindings {
  differences: RowDifferences;
  /** Input objects neither written nor quarantined with a reason (systems that account for their inputs). */
  unaccounted?: readonly string[];
  counts: IntegrityCounts;
  quarantine?: readonly QuarantineEntry[];
  /** The summary when nothing differs, e.g. "identical to the golden run: 3 rows of items". */
  intact: string;
}

/**
 * The journal's verdict from an oracle's findings: ok when nothing differs,
 * a summary naming each kind of difference in a fixed order and the first
 * one, the first {@link LISTED} of each kind listed and all of them counted.
 */
export function integrityVerdict(findings: OracleFindings): IntegrityVerdict {
  const { lost, extra, duplicated, mismatched } = findings.differences;
  const unaccounted = findings.unaccounted ?? [];
  const problems = [
    countOf(lost.length, "row lost", "rows lost"),
    countOf(extra.length, "row extra", "rows extra"),
    countOf(duplicated.length, "row duplicated", "rows duplicated"),
    countOf(mismatched.length, "row with different values", "rows with different values"),
    countOf(unaccounted.length, "input object unaccounted for", "input objects unaccounted for"),
  ].filter((text): text is string => text !== undefined);
  const first = [...lost, ...extra, ...duplicated, ...mismatched, ...unaccounted][0];
  return {
    ok: problems.length === 0,
    summary: problems.length === 0 ? findings.intact : `${problems.join(", ")} (e.g. ${first})`,
    counts: findings.counts,
    lost: lost.slice(0, LISTED),
    lostCount: lost.length,
    extra: extra.slice(0, LISTED),
    extraCount: extra.length,
    duplicated: duplicated.slice(0, LISTED),
    duplicatedCount: duplicated.length,
    mismatched: mismatched.slice(0, LISTED),
    mismatchedCount: mismatched.length,
    unaccounted: unaccounted.slice(0, LISTED),
    quarantine: (findings.quarantine ?? []).slice(0, 100).map(({ key, stage, reason }) => ({ key, stage, reason })),
  };
}

function countOf(n: number, one: string, many: string): string | undefined {
  return n === 0 ? undefined : `${n} ${n === 1 ? one : many}`;
}
