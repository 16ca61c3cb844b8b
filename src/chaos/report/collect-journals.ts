import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Journal, ResilienceReport } from "../core/index.ts";
import { JournalFormatError } from "./journal-format-error.ts";
import { validateJournal } from "./validate-journal.ts";

/** Where scenarios write their journals, relative to the working directory. */
export const DEFAULT_JOURNALS_DIR = "reports/journals";

export interface CollectJournalsOptions {
  /** The report's generation time; defaults to now. */
  now?: Date;
}

/**
 * Reads every `*.json` journal in `dir`, validates each, and returns them as
 * one report sorted by cause, then id. A missing directory is an empty report
 * (no experiment ran); a bad file throws a {@link JournalFormatError} naming
 * the file and the field.
 */
export async function collectJournals(dir: string = DEFAULT_JOURNALS_DIR, options: CollectJournalsOptions = {}): Promise<ResilienceReport> {
  const files = (await listJsonFiles(dir)).sort();
  const journals: Journal[] = [];
  for (const name of files) {
    const file = join(dir, name);
    journals.push(validateJournal(parseJson(await readFile(file, "utf8"), file), file));
  }
  journals.sort(byCauseThenId);
  return { schemaVersion: 1, generatedAt: (options.now ?? new Date()).toISOString(), journals };
}

async function listJsonFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((entry) => entry.isFile() && entry.name.endsWith(".json")).map((entry) => entry.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new JournalFormatError(file, "(file)", `is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

function byCauseThenId(a: Journal, b: Journal): number {
  return compare(a.cause, b.cause) || compare(a.id, b.id);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
