/** Whether a run's tables equal the golden run's, judged by the one integrity check every experiment uses. */
import type { TableSnapshot } from "../integrity/index.ts";
import { checkIntegrity } from "../systems/index.ts";
import type { TablesComparison } from "./cell-oracle.ts";

/**
 * Compares the output tables with the golden run's through Scale's integrity
 * check (no row lost, extra, duplicated or with other values; every object
 * the golden run recorded accounted for). When the only additions are
 * objects quarantined at download, names their reasons: the run gave up on
 * those objects and said why.
 */
export function compareTables(golden: TableSnapshot, actual: TableSnapshot): TablesComparison {
  const integrity = checkIntegrity(golden, actual, golden.recordedKeys);
  if (integrity.ok) return { equal: true, summary: integrity.summary, integrity };
  const goldenQuarantined = new Set(golden.quarantined.map((row) => row.key));
  const added = actual.quarantined.filter((row) => !goldenQuarantined.has(row.key));
  const onlyQuarantineAdded =
    added.length > 0 &&
    added.every((row) => row.stage === "download") &&
    integrity.extraCount === added.length &&
    integrity.duplicatedCount === 0 &&
    integrity.mismatchedCount === 0 &&
    integrity.unaccounted.length === 0;
  return { equal: false, summary: integrity.summary, integrity, ...(onlyQuarantineAdded ? { quarantinedInstead: added.map((row) => row.reason) } : {}) };
}
