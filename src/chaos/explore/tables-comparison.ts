/** Whether a run's tables equal the golden run's, row for row. */
import type { TableSnapshot } from "../integrity/index.ts";
import type { TablesComparison } from "./cell-oracle.ts";

/**
 * Compares every output table as a multiset of rows (values included):
 * instruments, similar pairs, quarantined objects and the recorded source
 * keys. Names how many rows are missing or extra per table, and one example.
 */
export function compareTables(golden: TableSnapshot, actual: TableSnapshot): TablesComparison {
  const tables: [string, unknown[], unknown[]][] = [
    ["filename_instrument", golden.instruments, actual.instruments],
    ["filepair_similarity_score", golden.pairs, actual.pairs],
    ["quarantined_object", golden.quarantined, actual.quarantined],
    ["source_object", golden.recordedKeys, actual.recordedKeys],
  ];
  const problems: string[] = [];
  let extraOutsideQuarantine = 0;
  for (const [table, expected, got] of tables) {
    const { missing, extra } = difference(expected, got);
    if (missing.length > 0 || extra.length > 0) {
      problems.push(`${table}: ${missing.length} missing, ${extra.length} extra (e.g. ${missing[0] ?? extra[0]})`);
    }
    // A key quarantined instead of written is also an extra source_object row: the ledger records the outcome.
    if (table !== "quarantined_object" && table !== "source_object") extraOutsideQuarantine += extra.length;
  }
  if (problems.length > 0) {
    const goldenQuarantined = new Set(golden.quarantined.map((row) => row.key));
    const added = actual.quarantined.filter((row) => !goldenQuarantined.has(row.key));
    const quarantinedInstead =
      extraOutsideQuarantine === 0 && added.length > 0 && added.every((row) => row.stage === "download") ? added.map((row) => row.reason) : undefined;
    return { equal: false, summary: problems.join("; "), ...(quarantinedInstead ? { quarantinedInstead } : {}) };
  }
  return { equal: true, summary: `tables equal the golden run's (${actual.instruments.length} instrument rows, ${actual.pairs.length} pairs)` };
}

function difference(expected: unknown[], got: unknown[]): { missing: string[]; extra: string[] } {
  const counts = new Map<string, number>();
  for (const row of expected) {
    const key = JSON.stringify(row);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const extra: string[] = [];
  for (const row of got) {
    const key = JSON.stringify(row);
    const left = counts.get(key) ?? 0;
    if (left > 0) counts.set(key, left - 1);
    else extra.push(key);
  }
  const missing = [...counts].flatMap(([key, left]) => Array<string>(left).fill(key));
  return { missing, extra };
}
