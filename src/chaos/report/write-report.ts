import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ResilienceReport } from "../core/index.ts";
import { collectJournals } from "./collect-journals.ts";
import { readExplorationJournal } from "./exploration-file.ts";
import { renderHtmlReport } from "./html-report.ts";

/** What {@link writeResilienceReport} wrote. */
export interface WrittenResilienceReport {
  jsonPath: string;
  htmlPath: string;
  report: ResilienceReport;
}

/**
 * Collects `reportsDir/journals/*.json` and the exploration journal
 * `reportsDir/explore.json` (when there is one), and writes
 * `reportsDir/resilience.json` and `reportsDir/resilience.html`. Each file is
 * written under a temporary name and renamed, so a reader never sees half a report.
 */
export async function writeResilienceReport(reportsDir: string): Promise<WrittenResilienceReport> {
  const journals = await collectJournals(join(reportsDir, "journals"));
  const exploration = await readExplorationJournal(reportsDir);
  const report: ResilienceReport = exploration ? { ...journals, exploration } : journals;
  const jsonPath = join(reportsDir, "resilience.json");
  const htmlPath = join(reportsDir, "resilience.html");
  await mkdir(reportsDir, { recursive: true });
  await writeAtomically(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  await writeAtomically(htmlPath, renderHtmlReport(report));
  return { jsonPath, htmlPath, report };
}

async function writeAtomically(path: string, content: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, content, "utf8");
  await rename(temporary, path);
}
