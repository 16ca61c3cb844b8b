import { join } from "node:path";
import { parseArgs } from "node:util";
import { reportsDirectory } from "../chaos/experiment/index.ts";
import { explorationCoverage, formatExplorationCoverage, formatSummaryMarkdown, formatSummaryTable, writeResilienceReport } from "../chaos/report/index.ts";

export const REPORT_USAGE = `Usage: chaos-control report [options]

Rebuilds resilience.json and resilience.html from the journals saved in
<dir>/journals/*.json and the exploration journal <dir>/explore.json, when there
is one (no scenario is run), and prints the summary table.

  --dir DIR       the reports directory (default: $CHAOS_REPORTS_DIR or reports/)
  --markdown      print the summary as a Markdown table instead (for $GITHUB_STEP_SUMMARY)
  -h, --help      this text

Exits 0 when the report was written, 1 when a journal is unreadable (the
error names the file and the field), 2 on bad usage.
`;

/** `chaos-control report`: the reports again from saved journals. */
export async function runReportCommand(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: { dir: { type: "string" }, markdown: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    }));
  } catch (error) {
    process.stderr.write(`chaos-control report: ${(error as Error).message}\n\n${REPORT_USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(REPORT_USAGE);
    return 0;
  }
  const dir = values.dir ?? reportsDirectory();
  try {
    const written = await writeResilienceReport(dir);
    const { journals, exploration } = written.report;
    if (values.markdown) {
      process.stdout.write(formatSummaryMarkdown(journals));
    } else {
      if (journals.length === 0 && !exploration) process.stderr.write(`chaos-control report: no journal in ${join(dir, "journals")}: the report is empty\n`);
      else if (journals.length > 0) process.stdout.write(`${formatSummaryTable(journals)}\n`);
      if (exploration) process.stdout.write(`  Exploration: ${formatExplorationCoverage(explorationCoverage(exploration))}\n`);
      process.stdout.write(`  JSON: ${written.jsonPath}\n  HTML: ${written.htmlPath}\n`);
    }
    return 0;
  } catch (error) {
    process.stderr.write(`chaos-control report: ${(error as Error).message}\n`);
    return 1;
  }
}
