import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Journal } from "./journal.ts";

/** Where journals go: `$CHAOS_REPORTS_DIR/journals`, or the project's `reports/journals`. */
export function journalDirectory(): string {
  const reports = process.env.CHAOS_REPORTS_DIR ?? fileURLToPath(new URL("../../../reports/", import.meta.url));
  return join(reports, "journals");
}

/** Writes `journal` as `<id>.json` (one file per experiment, so parallel workers never share a file). */
export async function writeJournal(journal: Journal, directory = journalDirectory()): Promise<string> {
  await mkdir(directory, { recursive: true });
  const path = join(directory, `${journal.id}.json`);
  await writeFile(path, `${JSON.stringify(journal, null, 2)}\n`);
  return path;
}
