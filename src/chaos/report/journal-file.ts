import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Journal } from "../core/index.ts";

/** Where reports go: `$CHAOS_REPORTS_DIR`, or the project's `reports/`. */
export function reportsDirectory(): string {
  return process.env.CHAOS_REPORTS_DIR ?? fileURLToPath(new URL("../../../reports/", import.meta.url));
}

/** Where journals go: `journals/` under {@link reportsDirectory}. */
export function journalDirectory(): string {
  return join(reportsDirectory(), "journals");
}

/** Writes `journal` as `<id>.json` (one file per experiment, so parallel workers never share a file). */
export async function writeJournal(journal: Journal, directory = journalDirectory()): Promise<string> {
  await mkdir(directory, { recursive: true });
  const path = join(directory, `${journal.id}.json`);
  await writeFile(path, `${JSON.stringify(journal, null, 2)}\n`);
  return path;
}
