/** Writes an exploration's results: JUnit (`explore-junit.xml`), the JSON result (`explore.json`) and the HTML matrix (`explore.html`). */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ExplorationResult } from "./exploration.ts";
import { explorationHtml } from "./exploration-html.ts";
import { explorationJUnit } from "./exploration-junit.ts";
import { explorationTotals } from "./exploration-matrix.ts";

export interface WrittenExploration {
  readonly junit: string;
  readonly json: string;
  readonly html: string;
}

export async function writeExplorationReports(result: ExplorationResult, directory: string): Promise<WrittenExploration> {
  await mkdir(directory, { recursive: true });
  const files = { junit: join(directory, "explore-junit.xml"), json: join(directory, "explore.json"), html: join(directory, "explore.html") };
  await writeFile(files.junit, explorationJUnit(result));
  await writeFile(files.json, `${JSON.stringify({ ...result, totals: explorationTotals(result) }, null, 2)}\n`);
  await writeFile(files.html, explorationHtml(result));
  return files;
}
