import { rm } from "node:fs/promises";
import type { TestSpecification } from "vitest/node";
import type { Vitest } from "vitest/node";
import type { Reporter } from "vitest/reporters";
import { explorationCoverage, formatExplorationCoverage } from "./exploration-section.ts";
import { removeExplorationJournal } from "./exploration-file.ts";
import { journalDirectory, reportsDirectory } from "./journal-file.ts";
import { formatSummaryTable } from "./summary-table.ts";
import { writeResilienceReport } from "./write-report.ts";

/** The Vitest projects (vitest.config.ts) whose tests are chaos scenarios: `scenarios` and `scenarios-alone`. */
export const SCENARIOS_PROJECT = "scenarios";

/** The `--project` filter that selects every scenario project. */
export const SCENARIOS_PROJECTS_FILTER = `${SCENARIOS_PROJECT}*`;

/** Whether a Vitest project runs chaos scenarios. */
export function isScenariosProject(name: string): boolean {
  return name === SCENARIOS_PROJECT || name.startsWith(`${SCENARIOS_PROJECT}-`);
}

/**
 * A Vitest reporter for runs that include chaos scenarios (the "scenarios*"
 * projects): clears the previous run's journals and exploration journal at the
 * start, and at the end writes `reports/resilience.json` and
 * `reports/resilience.html` from the journals the scenarios wrote (and the
 * exploration selection's matrix), then prints the summary table. Runs of
 * other tests leave the last report alone.
 */
export default class ResilienceReporter implements Reporter {
  private scenariosRan = false;
  private out: { write(text: string): unknown } = process.stdout;

  /** Writes where Vitest writes (stderr when `chaos-control run --json` keeps stdout for its summary). */
  onInit(vitest: Vitest): void {
    this.out = vitest.logger.outputStream;
  }

  async onTestRunStart(specifications: readonly TestSpecification[]): Promise<void> {
    this.scenariosRan = specifications.some((specification) => isScenariosProject(specification.project.name));
    if (!this.scenariosRan) return;
    await rm(journalDirectory(), { recursive: true, force: true });
    await removeExplorationJournal(reportsDirectory());
  }

  async onTestRunEnd(): Promise<void> {
    if (!this.scenariosRan) return;
    const written = await writeResilienceReport(reportsDirectory());
    const { journals, exploration } = written.report;
    if (journals.length === 0 && !exploration) return;
    this.out.write(`\nResilience report (${journals.length} experiments)\n${journals.length > 0 ? `${formatSummaryTable(journals)}\n` : ""}`);
    if (exploration) this.out.write(`  Exploration: ${formatExplorationCoverage(explorationCoverage(exploration))}\n`);
    this.out.write(`  JSON: ${written.jsonPath}\n  HTML: ${written.htmlPath}\n\n`);
  }
}
