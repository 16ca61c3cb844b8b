import type { RollbackRecord } from "../core/index.ts";

/** One rollback: what it undoes, and how. */
export type RollbackStep = [name: string, step: () => Promise<void>];

/** Runs every step in order, whatever failed before it, and records each; `at` stamps the relative time, `onError` sees each failure (an environment failure becomes the journal's reason). */
export async function runRollbacks(
  steps: readonly RollbackStep[],
  at: () => number,
  onError: (error: unknown) => void = () => undefined,
): Promise<RollbackRecord[]> {
  const records: RollbackRecord[] = [];
  for (const [name, step] of steps) {
    try {
      await step();
      records.push({ name, at: at(), ok: true });
    } catch (error) {
      onError(error);
      records.push({ name, at: at(), ok: false, error: (error as Error).message });
    }
  }
  return records;
}
