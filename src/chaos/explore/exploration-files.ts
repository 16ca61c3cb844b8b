/** Writes an exploration's results: JUnit (`explore-junit.xml`), the journal (`explore.json`) and the HTML matrix (`explore.html`). */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ExplorationResult } from "./exploration.ts";
import { explorationHtml } from "./exploration-html.ts";
import { writeExplorationJournal } from "./exploration-journal.ts";
import { explorationJUnit } from "./exploration-junit.ts";

export interface WrittenExploration {
  readonly junit: string;
  readonly json: string;
  readonly html: string;
}

export async function writeExplorationReports(result: ExplorationResult, directory: string): Promise<WrittenExploration> {
  await mkdir(directory, { recursive: true });
  const files = { junit: join(directory, "explore-junit.xml"), json: await writeExplorationJournal(result, directory), html: join(directory, "explore.html") };
  await writeFile(files.junit, explorationJUnit(result));
  await writeFile(files.html, explorationHtml(result));
  return files;
}
